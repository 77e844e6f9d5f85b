-- Up Migration

-- A return authorization (RMA): one customer's request to send back units of one order.
-- The returns subgraph owns it; orders, inventory and refunds learn of it through events.
CREATE TABLE returns.returns (
  id               text PRIMARY KEY CHECK (id ~ '^ret_[0-9A-HJKMNP-TV-Z]{26}$'),
  -- The order the units were bought on (owned by the orders subgraph; no cross-schema FK).
  order_id         text NOT NULL CHECK (order_id ~ '^ord_[0-9A-HJKMNP-TV-Z]{26}$'),
  -- Process status; the allowed transitions are enforced in code in one table (returns domain).
  status           text NOT NULL CHECK (status IN ('REQUESTED', 'AUTHORIZED', 'DECLINED', 'CANCELED', 'IN_TRANSIT',
                     'PARTIALLY_RECEIVED', 'RECEIVED', 'INSPECTED', 'COMPLETED')),
  -- Financial state, kept apart from the process status; filled by the refunds flow.
  financial_status text NOT NULL DEFAULT 'NOT_STARTED' CHECK (financial_status IN ('NOT_STARTED', 'PENDING', 'REFUNDED', 'FAILED')),
  -- The channel the return was requested or taken in (may differ from the order's channel).
  channel          text NOT NULL CHECK (channel IN ('ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE')),
  store_id         text CHECK (store_id IS NULL OR length(store_id) BETWEEN 1 AND 200),
  -- Tenancy copied from the order at creation, so reads can be scoped without asking orders.
  customer_id      text CHECK (customer_id IS NULL OR length(customer_id) BETWEEN 1 AND 200),
  partner_id       text CHECK (partner_id IS NULL OR length(partner_id) BETWEEN 1 AND 200),
  requested_at     timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  CHECK (channel <> 'POS' OR store_id IS NOT NULL)
);
CREATE INDEX returns_order_idx ON returns.returns (order_id);
CREATE INDEX returns_requested_idx ON returns.returns (requested_at DESC, id DESC);

-- The units of one order line asked back on a return.
CREATE TABLE returns.return_lines (
  id             text PRIMARY KEY CHECK (id ~ '^rli_[0-9A-HJKMNP-TV-Z]{26}$'),
  return_id      text NOT NULL REFERENCES returns.returns (id) ON DELETE CASCADE,
  order_line_id  text NOT NULL CHECK (order_line_id ~ '^oli_[0-9A-HJKMNP-TV-Z]{26}$'),
  sku            text NOT NULL CHECK (length(sku) BETWEEN 1 AND 100),
  quantity       integer NOT NULL CHECK (quantity > 0),
  reason         text NOT NULL CHECK (reason IN ('SIZE_TOO_SMALL', 'SIZE_TOO_LARGE', 'UNWANTED', 'NOT_AS_DESCRIBED',
                   'WRONG_ITEM', 'DEFECTIVE', 'STYLE', 'COLOR', 'OTHER', 'UNKNOWN')),
  customer_note  text CHECK (customer_note IS NULL OR length(customer_note) <= 2000),
  UNIQUE (return_id, order_line_id)
);
CREATE INDEX return_lines_order_line_idx ON returns.return_lines (order_line_id);

-- Down Migration
DROP TABLE returns.return_lines;
DROP TABLE returns.returns;
