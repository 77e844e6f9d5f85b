-- Up Migration

-- The refunds subgraph's own copy of each order (from OrderRecorded): lines, shipping and the
-- captured payments a refund is paid back to. Locked while a refund is calculated, so two refunds
-- of one order can never together exceed what was captured.
CREATE TABLE refunds.order_snapshots (
  order_id           text PRIMARY KEY CHECK (order_id ~ '^ord_'),
  number             text NOT NULL,
  channel            text NOT NULL CHECK (channel IN ('ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE')),
  customer_id        text NOT NULL,
  partner_id         text,
  currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  shipping_minor     bigint NOT NULL CHECK (shipping_minor >= 0),
  shipping_tax_minor bigint NOT NULL CHECK (shipping_tax_minor >= 0),
  total_minor        bigint NOT NULL CHECK (total_minor >= 0),
  lines              jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  payments           jsonb NOT NULL CHECK (jsonb_typeof(payments) = 'array'),
  last_event_at      timestamptz NOT NULL
);

-- What the refunds subgraph knows of each return (from ReturnAuthorized): its lines, fees and
-- the decision inputs (fraud outcome, refund method) that choose when it is refunded.
CREATE TABLE refunds.return_snapshots (
  return_id      text PRIMARY KEY CHECK (return_id ~ '^ret_'),
  order_id       text NOT NULL REFERENCES refunds.order_snapshots (order_id),
  channel        text NOT NULL,
  store_id       text,
  refund_method  text CHECK (refund_method IN ('ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH')),
  fraud_outcome  text NOT NULL CHECK (fraud_outcome IN ('APPROVE', 'REVIEW', 'DECLINE')),
  value_minor    bigint NOT NULL CHECK (value_minor >= 0),
  lines          jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  authorized_at  timestamptz NOT NULL
);

ALTER TABLE refunds.refunds
  -- The store that took the return, if any: store staff see only their stores' refunds.
  ADD COLUMN store_id text CHECK (store_id IS NULL OR length(store_id) BETWEEN 1 AND 200),
  -- What caused it: receipt or inspection of a return (automatic), or a person (manual).
  ADD COLUMN trigger text NOT NULL DEFAULT 'MANUAL' CHECK (trigger IN ('RECEIPT', 'INSPECTION', 'MANUAL')),
  -- The event that triggered it: exactly one refund per trigger, however often it is delivered.
  ADD COLUMN trigger_key text UNIQUE CHECK (trigger_key IS NULL OR length(trigger_key) BETWEEN 1 AND 200),
  ADD COLUMN refund_method text NOT NULL DEFAULT 'ORIGINAL_PAYMENT' CHECK (refund_method IN ('ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH')),
  ADD COLUMN reason text CHECK (reason IS NULL OR length(reason) BETWEEN 1 AND 500),
  ADD COLUMN requested_by text NOT NULL DEFAULT 'system' CHECK (length(requested_by) BETWEEN 1 AND 200),
  -- Four eyes: above the threshold a second person (not the requester) must approve before execution.
  ADD COLUMN approval_state text NOT NULL DEFAULT 'NOT_REQUIRED' CHECK (approval_state IN ('NOT_REQUIRED', 'AWAITING_APPROVAL', 'APPROVED')),
  ADD COLUMN approved_by text,
  ADD COLUMN overridden boolean NOT NULL DEFAULT false,
  ADD COLUMN failure_reason text,
  ADD COLUMN revision integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  ADD CONSTRAINT refunds_approver_differs CHECK (approved_by IS NULL OR approved_by <> requested_by);

-- The breakdown: every component of the amount, per returned line (and one SHIPPING row), so
-- anyone can check the arithmetic. total = merchandise - discount + tax - restocking fee.
CREATE TABLE refunds.refund_lines (
  refund_id             text NOT NULL REFERENCES refunds.refunds (id),
  position              integer NOT NULL CHECK (position >= 0),
  kind                  text NOT NULL CHECK (kind IN ('LINE', 'SHIPPING', 'ADJUSTMENT')),
  return_line_id        text,
  order_line_id         text,
  sku                   text,
  quantity              integer NOT NULL DEFAULT 0 CHECK (quantity >= 0),
  merchandise_minor     bigint NOT NULL CHECK (merchandise_minor >= 0),
  discount_minor        bigint NOT NULL CHECK (discount_minor >= 0),
  tax_minor             bigint NOT NULL,
  restocking_fee_minor  bigint NOT NULL CHECK (restocking_fee_minor >= 0),
  total_minor           bigint NOT NULL,
  PRIMARY KEY (refund_id, position),
  CHECK (total_minor = merchandise_minor - discount_minor + tax_minor - restocking_fee_minor)
);

-- How the amount is paid back: per original payment (through its provider), or as store credit,
-- gift card or cash. Each tender is executed on its own with a provider key fixed by its id and
-- generation (a new generation only after a definitive failure, when no money moved).
CREATE TABLE refunds.refund_tenders (
  id                  text PRIMARY KEY CHECK (id ~ '^rft_'),
  refund_id           text NOT NULL REFERENCES refunds.refunds (id),
  position            integer NOT NULL CHECK (position >= 0),
  method              text NOT NULL CHECK (method IN ('ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH')),
  payment_id          text,
  provider            text NOT NULL CHECK (length(provider) BETWEEN 1 AND 60),
  payment_reference   text,
  amount_minor        bigint NOT NULL CHECK (amount_minor > 0),
  status              text NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'REQUIRES_ACTION', 'SUCCEEDED', 'FAILED', 'CANCELED')),
  generation          integer NOT NULL DEFAULT 1 CHECK (generation >= 1),
  provider_refund_id  text,
  attempts            integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at     timestamptz NOT NULL DEFAULT now(),
  last_error          text,
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (refund_id, position),
  CHECK (method <> 'ORIGINAL_PAYMENT' OR (payment_id IS NOT NULL AND payment_reference IS NOT NULL))
);
CREATE INDEX refund_tenders_due_idx ON refunds.refund_tenders (next_attempt_at) WHERE status IN ('PENDING', 'SUBMITTED');
CREATE INDEX refund_tenders_payment_idx ON refunds.refund_tenders (payment_id) WHERE payment_id IS NOT NULL;

-- Provider webhook events already applied: a replayed webhook changes nothing.
CREATE TABLE refunds.webhook_events (
  provider     text NOT NULL,
  event_id     text NOT NULL CHECK (length(event_id) BETWEEN 1 AND 200),
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, event_id)
);

-- Down Migration
DROP TABLE refunds.webhook_events;
DROP TABLE refunds.refund_tenders;
DROP TABLE refunds.refund_lines;
ALTER TABLE refunds.refunds DROP CONSTRAINT refunds_approver_differs, DROP COLUMN store_id, DROP COLUMN trigger, DROP COLUMN trigger_key, DROP COLUMN refund_method,
  DROP COLUMN reason, DROP COLUMN requested_by, DROP COLUMN approval_state, DROP COLUMN approved_by, DROP COLUMN overridden,
  DROP COLUMN failure_reason, DROP COLUMN revision;
DROP TABLE refunds.return_snapshots;
DROP TABLE refunds.order_snapshots;
