-- Up Migration

-- Stores and warehouses that hold stock. The ERP is their system of record; this is the copy the
-- inventory subgraph resolves `Location` from.
CREATE TABLE inventory.locations (
  id            text PRIMARY KEY CHECK (id ~ '^loc_[a-z0-9_]{1,60}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind          text NOT NULL CHECK (kind IN ('STORE', 'WAREHOUSE')),
  city          text CHECK (city IS NULL OR length(city) <= 200),
  -- Units per SKU held back from sale at this location (damaged-in-store, display, miscount buffer).
  safety_stock  integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The balance projection: units per SKU, location and stock state. Updated in the same transaction
-- as the ledger row that explains the change, and never negative.
CREATE TABLE inventory.stock_balances (
  sku          text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
  location_id  text NOT NULL REFERENCES inventory.locations (id),
  state        text NOT NULL CHECK (state IN ('INCOMING', 'PENDING_INSPECTION', 'SELLABLE', 'RESERVED', 'DAMAGED',
                 'REFURBISH', 'VENDOR_RETURN')),
  quantity     integer NOT NULL CHECK (quantity >= 0),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, location_id, state)
);

-- The append-only ledger: every movement of units between states (NULL from = units arriving,
-- NULL to = units leaving stock, such as scrap), with what caused it and who.
CREATE TABLE inventory.movements (
  id              text PRIMARY KEY CHECK (id ~ '^mov_[0-9A-HJKMNP-TV-Z]{26}$'),
  sku             text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
  location_id     text NOT NULL REFERENCES inventory.locations (id),
  from_state      text CHECK (from_state IN ('INCOMING', 'PENDING_INSPECTION', 'SELLABLE', 'RESERVED', 'DAMAGED',
                    'REFURBISH', 'VENDOR_RETURN')),
  to_state        text CHECK (to_state IN ('INCOMING', 'PENDING_INSPECTION', 'SELLABLE', 'RESERVED', 'DAMAGED',
                    'REFURBISH', 'VENDOR_RETURN')),
  quantity        integer NOT NULL CHECK (quantity > 0),
  reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 100),
  -- The event id or adjustment id that caused this movement.
  cause_id        text NOT NULL CHECK (length(cause_id) BETWEEN 1 AND 200),
  correlation_id  text,
  actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (from_state IS NOT NULL OR to_state IS NOT NULL),
  CHECK (from_state IS DISTINCT FROM to_state)
);
CREATE INDEX movements_sku_idx ON inventory.movements (sku, location_id, occurred_at DESC, id DESC);

-- Down Migration
DROP TABLE inventory.movements;
DROP TABLE inventory.stock_balances;
DROP TABLE inventory.locations;
