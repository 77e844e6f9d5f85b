-- Up Migration

-- Order numbers customers read out at a counter ("R100042"). Numbers below 100001 are never
-- issued so every number has the same width for years; the demo seed uses R100001..R101000 and
-- moves the sequence past them.
CREATE SEQUENCE orders.order_number_seq START WITH 100001 MINVALUE 100001;

-- One row per order a commerce platform reported, with its totals in minor units of `currency`.
-- (source, external_id) is the platform's own identity and makes ingestion an upsert.
CREATE TABLE orders.orders (
  id text PRIMARY KEY CHECK (id ~ '^ord_[0-9A-HJKMNP-TV-Z]{26}$'),
  number text NOT NULL UNIQUE CHECK (number ~ '^R[0-9]{6,12}$'),
  source text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,40}$'),
  external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 255),
  channel text NOT NULL CHECK (channel IN ('ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE')),
  store_id text CHECK (length(store_id) BETWEEN 1 AND 64),
  marketplace_partner_id text CHECK (length(marketplace_partner_id) BETWEEN 1 AND 64),
  customer_id text NOT NULL CHECK (length(customer_id) BETWEEN 1 AND 64),
  customer_email text CHECK (length(customer_email) BETWEEN 3 AND 320),
  customer_name text CHECK (length(customer_name) BETWEEN 1 AND 200),
  placed_at timestamptz NOT NULL,
  delivered_at timestamptz,
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  shipping_method text CHECK (length(shipping_method) BETWEEN 1 AND 100),
  shipping_minor bigint NOT NULL DEFAULT 0 CHECK (shipping_minor >= 0),
  shipping_tax_minor bigint NOT NULL DEFAULT 0 CHECK (shipping_tax_minor >= 0),
  subtotal_minor bigint NOT NULL CHECK (subtotal_minor >= 0),
  discount_total_minor bigint NOT NULL CHECK (discount_total_minor >= 0),
  tax_total_minor bigint NOT NULL CHECK (tax_total_minor >= 0),
  total_minor bigint NOT NULL CHECK (total_minor >= 0),
  captured_total_minor bigint NOT NULL DEFAULT 0 CHECK (captured_total_minor >= 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT orders_source_external_id_key UNIQUE (source, external_id),
  -- A POS sale happens in a store; a marketplace order always names its partner and only those do.
  CONSTRAINT orders_pos_needs_store CHECK (channel <> 'POS' OR store_id IS NOT NULL),
  CONSTRAINT orders_partner_iff_marketplace CHECK ((channel = 'MARKETPLACE') = (marketplace_partner_id IS NOT NULL)),
  CONSTRAINT orders_delivered_after_placed CHECK (delivered_at IS NULL OR delivered_at >= placed_at),
  CONSTRAINT orders_shipping_needs_method CHECK (shipping_method IS NOT NULL OR (shipping_minor = 0 AND shipping_tax_minor = 0)),
  CONSTRAINT orders_discount_within_subtotal CHECK (discount_total_minor <= subtotal_minor),
  CONSTRAINT orders_tax_covers_shipping_tax CHECK (tax_total_minor >= shipping_tax_minor),
  CONSTRAINT orders_total_adds_up CHECK (total_minor = subtotal_minor - discount_total_minor + tax_total_minor + shipping_minor),
  -- Refunds are bounded by what was captured; capturing more than the total would be an overcharge.
  CONSTRAINT orders_captured_within_total CHECK (captured_total_minor <= total_minor)
);
COMMENT ON TABLE orders.orders IS 'Orders reported by commerce platforms; totals in integer minor units of currency.';

-- Keyset pagination newest first, overall and per tenant / filter.
CREATE INDEX orders_placed_idx ON orders.orders (placed_at DESC, id DESC);
CREATE INDEX orders_customer_placed_idx ON orders.orders (customer_id, placed_at DESC, id DESC);
CREATE INDEX orders_partner_placed_idx ON orders.orders (marketplace_partner_id, placed_at DESC, id DESC) WHERE marketplace_partner_id IS NOT NULL;
CREATE INDEX orders_store_placed_idx ON orders.orders (store_id, placed_at DESC, id DESC) WHERE store_id IS NOT NULL;
CREATE INDEX orders_channel_placed_idx ON orders.orders (channel, placed_at DESC, id DESC);

-- The items of an order. Immutable once written: returns and refunds point at these rows and
-- their amounts, so they must never change underneath them.
CREATE TABLE orders.order_lines (
  id text PRIMARY KEY CHECK (id ~ '^oli_[0-9A-HJKMNP-TV-Z]{26}$'),
  order_id text NOT NULL REFERENCES orders.orders (id),
  line_number integer NOT NULL CHECK (line_number BETWEEN 1 AND 1000),
  sku text NOT NULL CHECK (length(sku) BETWEEN 1 AND 64),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 255),
  category text NOT NULL CHECK (category ~ '^[a-z0-9_-]{1,40}$'),
  quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 100000),
  unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
  discount_minor bigint NOT NULL DEFAULT 0 CHECK (discount_minor >= 0),
  tax_minor bigint NOT NULL DEFAULT 0 CHECK (tax_minor >= 0),
  final_sale boolean NOT NULL DEFAULT false,
  total_minor bigint NOT NULL,
  CONSTRAINT order_lines_order_line_number_key UNIQUE (order_id, line_number),
  CONSTRAINT order_lines_discount_within_gross CHECK (discount_minor <= unit_price_minor * quantity),
  CONSTRAINT order_lines_total_adds_up CHECK (total_minor = unit_price_minor * quantity - discount_minor + tax_minor)
);
COMMENT ON TABLE orders.order_lines IS 'Immutable order lines; discount and tax are for the whole line, in minor units of the order currency.';
CREATE INDEX order_lines_sku_idx ON orders.order_lines (sku);

-- Captured payments of an order, one row per provider transaction. Re-sent captures update the
-- row with the same (provider, provider_reference) instead of adding a second one.
CREATE TABLE orders.payments (
  id text PRIMARY KEY CHECK (id ~ '^pay_[0-9A-HJKMNP-TV-Z]{26}$'),
  order_id text NOT NULL REFERENCES orders.orders (id),
  provider text NOT NULL CHECK (provider ~ '^[a-z0-9_-]{1,40}$'),
  provider_reference text NOT NULL CHECK (length(provider_reference) BETWEEN 1 AND 255),
  method text NOT NULL CHECK (method IN ('CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH')),
  captured_minor bigint NOT NULL CHECK (captured_minor >= 0),
  captured_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT payments_order_provider_reference_key UNIQUE (order_id, provider, provider_reference)
);
COMMENT ON TABLE orders.payments IS 'Captured payments per order; their sum is orders.captured_total_minor.';

-- Down Migration

DROP TABLE orders.payments;
DROP TABLE orders.order_lines;
DROP TABLE orders.orders;
DROP SEQUENCE orders.order_number_seq;
