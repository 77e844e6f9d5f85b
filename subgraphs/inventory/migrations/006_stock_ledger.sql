-- Up Migration

-- A store may put unopened returned items straight back on sale at receipt (no inspection queue).
ALTER TABLE inventory.locations
  ADD COLUMN unopened_returns_sellable boolean NOT NULL DEFAULT false;

-- Returned units per return line and location as inventory knows them: how many are expected,
-- how many wait for inspection, and how many went straight to SELLABLE at receipt (unopened). An
-- inspection takes fast-tracked units first for SELLABLE dispositions (they are already sellable)
-- and moves the rest out of PENDING_INSPECTION.
CREATE TABLE inventory.return_units (
  return_line_id    text NOT NULL CHECK (return_line_id ~ '^rli_'),
  location_id       text NOT NULL REFERENCES inventory.locations (id),
  sku               text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
  incoming          integer NOT NULL DEFAULT 0 CHECK (incoming >= 0),
  pending           integer NOT NULL DEFAULT 0 CHECK (pending >= 0),
  fast_tracked      integer NOT NULL DEFAULT 0 CHECK (fast_tracked >= 0),
  PRIMARY KEY (return_line_id, location_id)
);

-- Movements of a SKU at a location in time order, for the ledger fold of the accuracy report.
CREATE INDEX movements_location_idx ON inventory.movements (location_id, sku);

-- Down Migration
DROP INDEX inventory.movements_location_idx;
DROP TABLE inventory.return_units;
ALTER TABLE inventory.locations DROP COLUMN unopened_returns_sellable;
