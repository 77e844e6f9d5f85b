-- Up Migration

-- A refund of money to a customer for one order (and usually one return). Executed through a
-- payment connector with a provider key derived from this row's id, so a retry never pays twice.
CREATE TABLE refunds.refunds (
  id            text PRIMARY KEY CHECK (id ~ '^rfd_[0-9A-HJKMNP-TV-Z]{26}$'),
  order_id      text NOT NULL CHECK (order_id ~ '^ord_[0-9A-HJKMNP-TV-Z]{26}$'),
  -- NULL for a refund not tied to a return (an appeasement issued by finance).
  return_id     text CHECK (return_id IS NULL OR return_id ~ '^ret_[0-9A-HJKMNP-TV-Z]{26}$'),
  status        text NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'REQUIRES_ACTION', 'SUCCEEDED', 'FAILED', 'CANCELED')),
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  currency      char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- Tenancy copied from the order, so reads can be scoped without asking orders.
  customer_id   text CHECK (customer_id IS NULL OR length(customer_id) BETWEEN 1 AND 200),
  partner_id    text CHECK (partner_id IS NULL OR length(partner_id) BETWEEN 1 AND 200),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refunds_order_idx ON refunds.refunds (order_id);
CREATE INDEX refunds_return_idx ON refunds.refunds (return_id) WHERE return_id IS NOT NULL;

-- The credit memo booked in the ERP for a succeeded refund: at most one per refund.
CREATE TABLE refunds.credit_memos (
  refund_id      text PRIMARY KEY REFERENCES refunds.refunds (id),
  status         text NOT NULL CHECK (status IN ('QUEUED', 'POSTED', 'FAILED')),
  amount_minor   bigint NOT NULL CHECK (amount_minor > 0),
  tax_minor      bigint NOT NULL CHECK (tax_minor >= 0 AND tax_minor <= amount_minor),
  currency       char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  -- The ERP's own document number, once posted.
  erp_reference  text CHECK (erp_reference IS NULL OR length(erp_reference) BETWEEN 1 AND 200),
  queued_at      timestamptz NOT NULL DEFAULT now(),
  posted_at      timestamptz,
  CHECK ((status = 'POSTED') = (posted_at IS NOT NULL AND erp_reference IS NOT NULL))
);

-- Down Migration
DROP TABLE refunds.credit_memos;
DROP TABLE refunds.refunds;
