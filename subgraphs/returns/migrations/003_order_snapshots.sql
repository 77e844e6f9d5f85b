-- Up Migration

-- The returns subgraph's own copy of each order, built from `OrderRecorded` events: what return
-- eligibility needs (channel, dates, lines, tenders) without calling the orders subgraph while a
-- clerk waits at the counter. Updated only by the `returns.order-snapshots` consumer.
CREATE TABLE returns.order_snapshots (
  order_id        text PRIMARY KEY CHECK (order_id ~ '^ord_[0-9A-HJKMNP-TV-Z]{26}$'),
  number          text NOT NULL CHECK (length(number) BETWEEN 1 AND 40),
  channel         text NOT NULL CHECK (channel IN ('ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE')),
  store_id        text,
  partner_id      text,
  customer_id     text NOT NULL,
  placed_at       timestamptz NOT NULL,
  delivered_at    timestamptz,
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The order's total, for the returned-value ratio of fraud screening.
  total_minor     bigint NOT NULL CHECK (total_minor >= 0),
  -- The lines and payments as the event carried them (see subgraphs/orders/events.ts).
  lines           jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  payments        jsonb NOT NULL CHECK (jsonb_typeof(payments) = 'array'),
  -- The event this row reflects; an older event never overwrites a newer one.
  last_event_id   text NOT NULL,
  last_event_at   timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_snapshots_customer_idx ON returns.order_snapshots (customer_id, placed_at DESC);

-- Down Migration
DROP TABLE returns.order_snapshots;
