-- Up Migration

-- The reference ERP's stock journal: every movement Returns Graph posted, once (by our movement id).
-- In production this lives in the retailer's ERP; here it is the embedded system of record.
CREATE TABLE erp.stock_movements (
  movement_id  text PRIMARY KEY CHECK (movement_id ~ '^mov_'),
  sku          text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
  location_id  text NOT NULL CHECK (length(location_id) BETWEEN 1 AND 200),
  from_state   text,
  to_state     text,
  quantity     integer NOT NULL CHECK (quantity > 0),
  reason       text NOT NULL,
  occurred_at  timestamptz NOT NULL,
  posted_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (from_state IS NOT NULL OR to_state IS NOT NULL)
);

-- Down Migration
DROP TABLE erp.stock_movements;
