-- Up Migration

-- Which commerce platform an order came from and its id there (OrderRecorded carries both since
-- issue 12): what the returns mirror names the order by. Null for snapshots of older events.
ALTER TABLE returns.order_snapshots
  ADD COLUMN source text CHECK (source IS NULL OR source ~ '^[a-z0-9_-]{1,40}$'),
  ADD COLUMN external_id text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 255);

-- Each return as mirrored onto its order's commerce platform: the platform's return id and where
-- the mirror last left it. Written only by the `returns.commerce-mirror` consumer, from the
-- platform's answers; a return of an order whose platform has no mirror has no row.
CREATE TABLE returns.commerce_mirrors (
  return_id           text PRIMARY KEY REFERENCES returns.returns (id),
  source              text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,40}$'),
  external_return_id  text NOT NULL CHECK (length(external_return_id) BETWEEN 1 AND 255),
  status              text NOT NULL CHECK (status IN ('OPEN', 'CLOSED', 'CANCELED')),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source, external_return_id)
);

-- Down Migration
DROP TABLE returns.commerce_mirrors;
ALTER TABLE returns.order_snapshots DROP COLUMN external_id, DROP COLUMN source;
