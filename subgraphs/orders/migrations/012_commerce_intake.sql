-- Up Migration

-- Cancellation is a mutable fact of an order, like delivery: the platform reports it; nothing
-- else about the order changes with it.
ALTER TABLE orders.orders
  ADD COLUMN cancelled_at timestamptz,
  -- The platform's time of the newest change applied (webhook intake): a delivery older than this
  -- is stale and never overwrites newer facts. Null for orders recorded through `recordOrder`.
  ADD COLUMN source_updated_at timestamptz,
  ADD CONSTRAINT orders_cancelled_after_placed CHECK (cancelled_at IS NULL OR cancelled_at >= placed_at);

-- What the platform refunded of each capture itself (outside the graph), summed from
-- external_refunds: the graph never pays it a second time.
ALTER TABLE orders.payments
  ADD COLUMN refunded_externally_minor bigint NOT NULL DEFAULT 0 CHECK (refunded_externally_minor >= 0),
  ADD CONSTRAINT payments_refunded_within_captured CHECK (refunded_externally_minor <= captured_minor);

-- The webhook inbox: every verified delivery of a commerce platform, stored before it is answered
-- (so nothing accepted is lost) and applied once by the intake worker (so nothing is applied twice).
CREATE TABLE orders.commerce_deliveries (
  id               bigserial PRIMARY KEY,
  source           text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,40}$'),
  -- The platform's event id; the same on each of its retries, so a retry stores nothing new.
  delivery_id      text NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 255),
  topic            text NOT NULL CHECK (length(topic) BETWEEN 1 AND 100),
  -- The raw body exactly as signed (the adapter interprets it, possibly again after a retry).
  body             bytea NOT NULL CHECK (octet_length(body) <= 1048576),
  received_at      timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'APPLIED', 'IGNORED', 'FAILED')),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text CHECK (last_error IS NULL OR length(last_error) <= 4000),
  applied_at       timestamptz,
  -- What applying it did, e.g. {"result": "recorded", "orderId": "ord_..."} or {"result": "stale"}.
  outcome          jsonb CHECK (outcome IS NULL OR jsonb_typeof(outcome) = 'object'),
  CONSTRAINT commerce_deliveries_source_delivery_key UNIQUE (source, delivery_id),
  CONSTRAINT commerce_deliveries_applied_when_done CHECK ((status IN ('APPLIED', 'IGNORED')) = (applied_at IS NOT NULL))
);
-- The worker's queue: due pending rows, oldest first.
CREATE INDEX commerce_deliveries_due_idx ON orders.commerce_deliveries (next_attempt_at, id) WHERE status = 'PENDING';
-- The operators' list by status, newest first.
CREATE INDEX commerce_deliveries_status_idx ON orders.commerce_deliveries (status, id DESC);

-- Refunds the platform issued itself, once each; their transactions are summed per payment.
CREATE TABLE orders.external_refunds (
  source        text NOT NULL CHECK (source ~ '^[a-z0-9_-]{1,40}$'),
  external_id   text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 255),
  order_id      text NOT NULL REFERENCES orders.orders (id),
  -- [{provider, providerReference, amountMinor}] as the platform reported them.
  transactions  jsonb NOT NULL CHECK (jsonb_typeof(transactions) = 'array'),
  refunded_at   timestamptz NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, external_id)
);
CREATE INDEX external_refunds_order_idx ON orders.external_refunds (order_id);

-- Down Migration
DROP TABLE orders.external_refunds;
DROP TABLE orders.commerce_deliveries;
ALTER TABLE orders.payments DROP CONSTRAINT payments_refunded_within_captured, DROP COLUMN refunded_externally_minor;
ALTER TABLE orders.orders DROP CONSTRAINT orders_cancelled_after_placed, DROP COLUMN source_updated_at, DROP COLUMN cancelled_at;
