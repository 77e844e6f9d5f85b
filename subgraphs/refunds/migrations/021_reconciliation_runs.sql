-- Up Migration

-- Three-way reconciliation (reconciliation/): each run compares, for a window [window_from,
-- window_to), the graph's refunds and tenders with the payment providers' own refund records and
-- the ERP's credit memos. A run says per side whether it could read it: a side it could not read
-- is reported, never turned into mismatches.
CREATE TABLE refunds.reconciliation_runs (
  id                   text PRIMARY KEY CHECK (id ~ '^rcn_[0-9A-HJKMNP-TV-Z]{26}$'),
  trigger              text NOT NULL CHECK (trigger IN ('SCHEDULE', 'ON_DEMAND')),
  requested_by         text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
  window_from          timestamptz NOT NULL,
  window_to            timestamptz NOT NULL,
  -- QUEUED → RUNNING → COMPLETED (every side read), PARTIAL (some side unread: see the statuses) or FAILED.
  status               text NOT NULL CHECK (status IN ('QUEUED', 'RUNNING', 'COMPLETED', 'PARTIAL', 'FAILED')),
  -- OK, UNAVAILABLE (the read failed) or UNSUPPORTED (the connector cannot list); null until read.
  erp_status           text CHECK (erp_status IN ('OK', 'UNAVAILABLE', 'UNSUPPORTED')),
  -- One entry per provider source: { "provider": ..., "status": ..., "records": n, "message": ... }.
  provider_statuses    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(provider_statuses) = 'array'),
  -- Why a side was unread, or the run failed, in words.
  warnings             jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array'),
  refunds_checked      integer NOT NULL DEFAULT 0 CHECK (refunds_checked >= 0),
  provider_records     integer NOT NULL DEFAULT 0 CHECK (provider_records >= 0),
  erp_records          integer NOT NULL DEFAULT 0 CHECK (erp_records >= 0),
  exceptions_found     integer NOT NULL DEFAULT 0 CHECK (exceptions_found >= 0),
  exceptions_new       integer NOT NULL DEFAULT 0 CHECK (exceptions_new >= 0),
  exceptions_resolved  integer NOT NULL DEFAULT 0 CHECK (exceptions_resolved >= 0),
  created_at           timestamptz NOT NULL DEFAULT now(),
  started_at           timestamptz,
  -- While RUNNING: a run whose instance died is given up once its lease has passed.
  lease_until          timestamptz,
  finished_at          timestamptz,
  CHECK (window_from < window_to),
  CHECK (window_to - window_from <= interval '31 days'),
  CHECK ((status IN ('COMPLETED', 'PARTIAL', 'FAILED')) = (finished_at IS NOT NULL))
);
CREATE INDEX reconciliation_runs_created_idx ON refunds.reconciliation_runs (created_at DESC, id DESC);
CREATE INDEX reconciliation_runs_running_idx ON refunds.reconciliation_runs (status) WHERE status IN ('QUEUED', 'RUNNING');

-- One row per disagreement, however many runs see it: `match_key` names it (code, sides and the
-- ids of each side), so a later run updates last_seen instead of adding a row, and resolves it
-- when a run covering `anchor_at` with the sides it needs readable no longer finds it.
CREATE TABLE refunds.reconciliation_exceptions (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  match_key           text NOT NULL UNIQUE CHECK (length(match_key) BETWEEN 1 AND 1000),
  code                text NOT NULL CHECK (code IN ('PAID_NOT_BOOKED', 'BOOKED_NOT_PAID', 'AMOUNT_DIFFERS', 'CURRENCY_DIFFERS',
                                                   'UNKNOWN_PROVIDER_REFUND', 'MISSING_AT_PROVIDER')),
  -- For AMOUNT_DIFFERS / CURRENCY_DIFFERS: which two sides disagree.
  sides               text CHECK (sides IN ('GRAPH_PROVIDER', 'GRAPH_ERP')),
  -- The provider source whose records it depends on (null: none, e.g. an ERP-only finding).
  provider            text CHECK (provider IS NULL OR length(provider) BETWEEN 1 AND 60),
  -- Whether it depends on the ERP's records.
  needs_erp           boolean NOT NULL,
  refund_id           text,
  tender_id           text,
  provider_refund_id  text,
  erp_reference       text,
  -- When what it is about happened (the refund's creation, the provider refund's, the memo's posting).
  anchor_at           timestamptz NOT NULL,
  message             text NOT NULL CHECK (length(message) BETWEEN 1 AND 1000),
  -- What each side holds: { "graph": ..., "provider": ..., "erp": ... }, null where a side has nothing.
  evidence            jsonb NOT NULL CHECK (jsonb_typeof(evidence) = 'object'),
  status              text NOT NULL CHECK (status IN ('OPEN', 'RESOLVED')),
  first_seen_run      text NOT NULL REFERENCES refunds.reconciliation_runs (id),
  last_seen_run       text NOT NULL REFERENCES refunds.reconciliation_runs (id),
  first_seen_at       timestamptz NOT NULL,
  last_seen_at        timestamptz NOT NULL,
  resolved_run        text REFERENCES refunds.reconciliation_runs (id),
  resolved_at         timestamptz,
  CHECK ((code IN ('AMOUNT_DIFFERS', 'CURRENCY_DIFFERS')) = (sides IS NOT NULL)),
  CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL AND resolved_run IS NOT NULL)),
  CHECK (last_seen_at >= first_seen_at)
);
CREATE INDEX reconciliation_exceptions_list_idx ON refunds.reconciliation_exceptions (status, last_seen_at DESC, id DESC);
CREATE INDEX reconciliation_exceptions_open_anchor_idx ON refunds.reconciliation_exceptions (anchor_at) WHERE status = 'OPEN';

-- Graph refunds by creation, the window a run checks.
CREATE INDEX refunds_created_idx ON refunds.refunds (created_at);

-- Down Migration
DROP INDEX refunds.refunds_created_idx;
DROP TABLE refunds.reconciliation_exceptions;
DROP TABLE refunds.reconciliation_runs;
