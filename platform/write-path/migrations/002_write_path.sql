-- Up Migration
-- The reliable write path, created in EACH subgraph's own schema (node-pg-migrate sets the
-- search_path to the schema being migrated, so these unqualified names land there). Every subgraph
-- records its idempotency keys, outbox, inbox, retries and dead letters beside the state they guard,
-- so one transaction covers both.

-- Idempotency keys of side-effecting mutations, scoped to the caller and the operation. The row is
-- written in the same transaction as the effect: an uncommitted row IS the in-flight request, and a
-- committed one holds the response every retry gets back.
CREATE TABLE idempotency_keys (
  principal     text NOT NULL CHECK (length(principal) BETWEEN 1 AND 200),
  operation     text NOT NULL CHECK (length(operation) BETWEEN 1 AND 100),
  key           text NOT NULL CHECK (key ~ '^[A-Za-z0-9_\-:.]{1,255}$'),
  -- sha256 of the canonical JSON of the input: the same key with other input is refused.
  fingerprint   char(64) NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  response      jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (principal, operation, key)
);
-- The reaper deletes by age.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Events this subgraph caused, appended in the same transaction as the state change. The relay
-- publishes them in `seq` order and stamps `published_at`; PostgreSQL stays the record, so
-- anything a bus loses is republished from here.
CREATE TABLE outbox (
  seq             bigserial PRIMARY KEY,
  id              text NOT NULL UNIQUE CHECK (id ~ '^evt_[0-9A-HJKMNP-TV-Z]{26}$'),
  type            text NOT NULL CHECK (type ~ '^[A-Z][A-Za-z]{2,80}$'),
  version         integer NOT NULL CHECK (version >= 1),
  source          text NOT NULL CHECK (length(source) BETWEEN 1 AND 60),
  aggregate_id    text NOT NULL CHECK (length(aggregate_id) BETWEEN 1 AND 200),
  correlation_id  text NOT NULL CHECK (length(correlation_id) BETWEEN 1 AND 200),
  causation_id    text CHECK (causation_id IS NULL OR length(causation_id) BETWEEN 1 AND 200),
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  data            jsonb NOT NULL,
  published_at    timestamptz
);
-- The relay's work list: only unpublished rows are indexed, so it stays small however long the log.
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;

-- The relay's memory of the bus: the bus epoch it last published into. When the bus reports another
-- epoch, it lost events (Redis flushed or failed over) and the relay republishes recent ones.
CREATE TABLE relay_state (
  id          integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  bus_epoch   text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Events this subgraph's consumers have handled: (consumer, event) recorded in the same
-- transaction as the handler's effect, so a redelivered event has no second effect.
CREATE TABLE inbox (
  consumer    text NOT NULL CHECK (length(consumer) BETWEEN 1 AND 100),
  event_id    text NOT NULL CHECK (event_id ~ '^evt_[0-9A-HJKMNP-TV-Z]{26}$'),
  handled_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- Deliveries waiting for a retry after a failed attempt, and events parked behind them so one
-- aggregate's events are still handled in order. Other aggregates flow on meanwhile.
CREATE TABLE pending_deliveries (
  consumer         text NOT NULL CHECK (length(consumer) BETWEEN 1 AND 100),
  event_id         text NOT NULL CHECK (event_id ~ '^evt_[0-9A-HJKMNP-TV-Z]{26}$'),
  aggregate_id     text NOT NULL,
  -- The publisher's outbox seq: order within an aggregate.
  source_seq       bigint NOT NULL CHECK (source_seq > 0),
  event            jsonb NOT NULL,
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX pending_deliveries_due_idx ON pending_deliveries (next_attempt_at);
CREATE INDEX pending_deliveries_aggregate_idx ON pending_deliveries (consumer, aggregate_id, source_seq);

-- Events a consumer gave up on after its last attempt (or could not validate), with the error,
-- the attempt count and the payload; replayable under control.
CREATE TABLE dead_letters (
  id              bigserial PRIMARY KEY,
  consumer        text NOT NULL CHECK (length(consumer) BETWEEN 1 AND 100),
  event_id        text NOT NULL CHECK (event_id ~ '^evt_[0-9A-HJKMNP-TV-Z]{26}$'),
  event_type      text NOT NULL,
  aggregate_id    text NOT NULL,
  event           jsonb NOT NULL,
  error           text NOT NULL CHECK (length(error) BETWEEN 1 AND 4000),
  attempts        integer NOT NULL CHECK (attempts >= 0),
  status          text NOT NULL DEFAULT 'DEAD' CHECK (status IN ('DEAD', 'REPLAYED', 'DISCARDED')),
  dead_at         timestamptz NOT NULL DEFAULT now(),
  replayed_at     timestamptz,
  replayed_by     text,
  CHECK ((status = 'REPLAYED') = (replayed_at IS NOT NULL)),
  UNIQUE (consumer, event_id)
);
CREATE INDEX dead_letters_status_idx ON dead_letters (status, dead_at DESC, id DESC);

-- Append-only audit of privileged actions (replays, overrides, manual adjustments), written in the
-- same transaction as the action.
CREATE TABLE audit_log (
  id              bigserial PRIMARY KEY,
  actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  roles           text[] NOT NULL,
  action          text NOT NULL CHECK (length(action) BETWEEN 1 AND 100),
  target          text NOT NULL CHECK (length(target) BETWEEN 1 AND 200),
  details         jsonb NOT NULL DEFAULT '{}',
  correlation_id  text,
  occurred_at     timestamptz NOT NULL DEFAULT now()
);
CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD NOTHING;
CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD NOTHING;

-- Down Migration
DROP TABLE audit_log;
DROP TABLE dead_letters;
DROP TABLE pending_deliveries;
DROP TABLE inbox;
DROP TABLE relay_state;
DROP TABLE outbox;
DROP TABLE idempotency_keys;
