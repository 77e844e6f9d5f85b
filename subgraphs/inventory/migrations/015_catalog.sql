-- Up Migration

-- The catalog: every SKU inventory knows by name, so a fresh deployment can list and show its
-- products before the first unit moves (until now SKUs existed only in the demo data). Written by
-- `upsertProduct` (operations, the import and backfill commands); `source` and `external_id` say
-- where a product was synced from, when it was.
CREATE TABLE inventory.products (
  sku          text PRIMARY KEY CHECK (sku ~ '^[A-Za-z0-9._-]{1,100}$'),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  -- The category return policy is keyed by: a slug, as orders store it on their lines.
  category     text NOT NULL CHECK (category ~ '^[a-z0-9_-]{1,40}$'),
  -- The platform the product came from (e.g. `shopify`); NULL when entered by hand.
  source       text CHECK (source IS NULL OR source ~ '^[a-z0-9_-]{1,40}$'),
  -- The platform's id of the variant; only with a source.
  external_id  text CHECK (external_id IS NULL OR length(external_id) BETWEEN 1 AND 255),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  CHECK (external_id IS NULL OR source IS NOT NULL)
);
-- `products(category:)` pages by SKU within a category.
CREATE INDEX products_category_idx ON inventory.products (category, sku);

-- Location ids follow the configuration's rule (`loc_` and 1-60 letters, digits or underscores, upper
-- case included): platforms' ids map to ours (`loc_shp_...`), and `RETURNS_DEFAULT_LOCATION_ID`
-- already accepted upper case that this CHECK then refused.
ALTER TABLE inventory.locations DROP CONSTRAINT locations_id_check;
ALTER TABLE inventory.locations ADD CONSTRAINT locations_id_check CHECK (id ~ '^loc_[A-Za-z0-9_]{1,60}$');

-- Down Migration
-- Fails while an upper-case location id exists: those rows must go (or be renamed) first.
ALTER TABLE inventory.locations DROP CONSTRAINT locations_id_check;
ALTER TABLE inventory.locations ADD CONSTRAINT locations_id_check CHECK (id ~ '^loc_[a-z0-9_]{1,60}$');
DROP TABLE inventory.products;
