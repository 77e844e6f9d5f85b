-- Up Migration
-- What the operations read models (issue 14: KPIs and traces, docs/design/011) need from the write
-- path, in EACH subgraph's schema like 002.

-- Idempotent replays (same key, same input, answered from the stored result): one row per replay,
-- so "duplicate attempts absorbed" can be counted for any window even after the key itself is
-- reaped. Written only on the replay path, never by a first request.
CREATE TABLE idempotency_replays (
  id              bigserial PRIMARY KEY,
  principal       text NOT NULL CHECK (length(principal) BETWEEN 1 AND 200),
  operation       text NOT NULL CHECK (length(operation) BETWEEN 1 AND 100),
  key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  correlation_id  text CHECK (correlation_id IS NULL OR length(correlation_id) BETWEEN 1 AND 200),
  replayed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idempotency_replays_at_idx ON idempotency_replays (replayed_at);
CREATE INDEX idempotency_replays_correlation_idx ON idempotency_replays (correlation_id) WHERE correlation_id IS NOT NULL;

-- The request that applied a key: the first hop of a flow in a trace.
ALTER TABLE idempotency_keys ADD COLUMN correlation_id text CHECK (correlation_id IS NULL OR length(correlation_id) BETWEEN 1 AND 200);
CREATE INDEX idempotency_keys_correlation_idx ON idempotency_keys (correlation_id) WHERE correlation_id IS NOT NULL;

-- Which flow and aggregate a handled event belonged to: consumer hops in a trace, and a return's
-- timeline in subgraphs that hold nothing else about the return.
ALTER TABLE inbox
  ADD COLUMN correlation_id text CHECK (correlation_id IS NULL OR length(correlation_id) BETWEEN 1 AND 200),
  ADD COLUMN aggregate_id text CHECK (aggregate_id IS NULL OR length(aggregate_id) BETWEEN 1 AND 200);
CREATE INDEX inbox_correlation_idx ON inbox (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX inbox_aggregate_idx ON inbox (aggregate_id) WHERE aggregate_id IS NOT NULL;

-- Trace lookups by correlation id and by aggregate; (aggregate_id, seq) also finds an aggregate's
-- first or latest event, which the exceptions queue and the refund executor name a flow by.
CREATE INDEX outbox_correlation_idx ON outbox (correlation_id);
CREATE INDEX outbox_aggregate_idx ON outbox (aggregate_id, seq);
CREATE INDEX audit_log_correlation_idx ON audit_log (correlation_id) WHERE correlation_id IS NOT NULL;
CREATE INDEX dead_letters_correlation_idx ON dead_letters ((event -> 'envelope' ->> 'correlationId'));
CREATE INDEX pending_deliveries_correlation_idx ON pending_deliveries ((event -> 'envelope' ->> 'correlationId'));

-- Down Migration
DROP INDEX pending_deliveries_correlation_idx;
DROP INDEX dead_letters_correlation_idx;
DROP INDEX audit_log_correlation_idx;
DROP INDEX outbox_aggregate_idx;
DROP INDEX outbox_correlation_idx;
ALTER TABLE inbox DROP COLUMN aggregate_id, DROP COLUMN correlation_id;
ALTER TABLE idempotency_keys DROP COLUMN correlation_id;
DROP TABLE idempotency_replays;
