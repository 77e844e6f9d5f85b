-- Up Migration

-- The simulated payment gateway's memory. It stands in for a provider's own database (Stripe's,
-- Adyen's), so it lives in a schema of its own that no subgraph reads: idempotency and the
-- over-refund check must survive a crash of the process that called it, exactly as at a provider.

-- Captured payments the gateway can refund, registered by whoever owns the order data
-- (`SimulatedGateway.registerPayment`). A reference is registered once, with one amount.
CREATE TABLE payments_sim.payments (
  reference       text PRIMARY KEY CHECK (length(reference) BETWEEN 1 AND 255),
  captured_minor  bigint NOT NULL CHECK (captured_minor > 0),
  currency        char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  created_at      timestamptz NOT NULL DEFAULT now()
);

-- Every refund the gateway accepted, one per idempotency key. The outcome is decided when the
-- refund is created (so a restarted gateway reports the same one) and revealed once `settles_at`
-- has passed; until then the refund is PENDING.
CREATE TABLE payments_sim.refunds (
  provider_refund_id  text PRIMARY KEY CHECK (provider_refund_id ~ '^sre_[0-9a-f]{24}$'),
  -- `providerIdempotencyKey(refundId)`: the same key always answers with this row.
  idempotency_key     text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  payment_reference   text NOT NULL REFERENCES payments_sim.payments (reference),
  amount_minor        bigint NOT NULL CHECK (amount_minor > 0),
  currency            char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason              text CHECK (reason IS NULL OR length(reason) <= 500),
  outcome             text NOT NULL CHECK (outcome IN ('SUCCEEDED', 'FAILED')),
  failure_reason      text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  settles_at          timestamptz NOT NULL,
  CHECK (settles_at >= created_at),
  CHECK ((outcome = 'FAILED') = (failure_reason IS NOT NULL))
);
CREATE INDEX refunds_payment_reference_idx ON payments_sim.refunds (payment_reference);

-- Down Migration
DROP TABLE payments_sim.refunds;
DROP TABLE payments_sim.payments;
