-- Up Migration

-- The reference shop (source `demo`): the built-in commerce platform of the embedded default and
-- the tests. In production these facts live in Shopify or another platform; here they are the
-- platform's own state, kept in its own schema so no subgraph reads them.

-- Every change the shop makes takes the next number: the feed pages by it (a monotonic cursor).
CREATE SEQUENCE commerce_ref.change_seq;

-- The shop's orders as it reports them (the graph's `NewOrder`, JSON), with the number of their last change.
CREATE TABLE commerce_ref.orders (
  external_id  text PRIMARY KEY CHECK (length(external_id) BETWEEN 1 AND 255),
  body         jsonb NOT NULL CHECK (jsonb_typeof(body) = 'object'),
  updated_seq  bigint NOT NULL UNIQUE,
  updated_at   timestamptz NOT NULL
);

-- Its stock-holding locations.
CREATE TABLE commerce_ref.locations (
  external_id  text PRIMARY KEY CHECK (length(external_id) BETWEEN 1 AND 255),
  location_id  text NOT NULL UNIQUE CHECK (location_id ~ '^loc_'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind         text NOT NULL CHECK (kind IN ('STORE', 'WAREHOUSE')),
  city         text,
  updated_seq  bigint NOT NULL UNIQUE
);

-- Its products (variants).
CREATE TABLE commerce_ref.products (
  sku          text PRIMARY KEY CHECK (length(sku) BETWEEN 1 AND 100),
  external_id  text NOT NULL UNIQUE CHECK (length(external_id) BETWEEN 1 AND 255),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  category     text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
  updated_seq  bigint NOT NULL UNIQUE
);

-- Returns the graph mirrored onto the shop, one per graph return (the mirror's idempotency key).
CREATE TABLE commerce_ref.returns (
  return_id           text PRIMARY KEY CHECK (return_id ~ '^ret_'),
  external_return_id  text NOT NULL UNIQUE CHECK (external_return_id ~ '^rr_'),
  order_external_id   text NOT NULL CHECK (length(order_external_id) BETWEEN 1 AND 255),
  lines               jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  status              text NOT NULL CHECK (status IN ('OPEN', 'CLOSED', 'CANCELED')),
  -- Cumulative per SKU: { "<sku>": { "restocked": n, "notRestocked": n, "locationId": "loc_..." } }.
  dispositions        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(dispositions) = 'object'),
  opened_at           timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- Refunds the graph paid for a mirrored return, noted on the shop's order (no money moves here).
CREATE TABLE commerce_ref.return_refund_notes (
  refund_id     text PRIMARY KEY CHECK (refund_id ~ '^rfd_'),
  return_id     text NOT NULL REFERENCES commerce_ref.returns (return_id),
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  provider      text,
  noted_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX return_refund_notes_return_idx ON commerce_ref.return_refund_notes (return_id);

-- Down Migration
DROP TABLE commerce_ref.return_refund_notes;
DROP TABLE commerce_ref.returns;
DROP TABLE commerce_ref.products;
DROP TABLE commerce_ref.locations;
DROP TABLE commerce_ref.orders;
DROP SEQUENCE commerce_ref.change_seq;
