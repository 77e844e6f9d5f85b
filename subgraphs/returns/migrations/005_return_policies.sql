-- Up Migration

-- Versions of the one return policy every channel applies (windows, final sale, refund methods,
-- restocking fees, approval thresholds, fraud signals) as a validated JSON document. The active
-- version is the newest whose effective_from has passed; each return records the version it was
-- decided under.
CREATE TABLE returns.policies (
  version         integer PRIMARY KEY CHECK (version >= 1),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  document        jsonb NOT NULL CHECK (jsonb_typeof(document) = 'object'),
  effective_from  timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE returns.policies;
