-- Up Migration

-- Store credit and gift card tenders are paid through the built-in store-credit ledger (provider
-- `store_credit`), which must know the account it credits: `customer:<id>`, `gift_card:<number>`
-- or `new_gift_card:<customer id>` (a card it issues); ids as the order had them (1 to 255
-- characters, no control characters). Tenders written before it (provider
-- `internal`, no reference) keep their shape; cash stays internal.
ALTER TABLE refunds.refund_tenders ADD CONSTRAINT refund_tenders_store_credit_reference CHECK (
  provider <> 'store_credit'
  OR (method IN ('STORE_CREDIT', 'GIFT_CARD') AND payment_reference IS NOT NULL AND payment_reference ~ '^(customer|gift_card|new_gift_card):[^[:cntrl:]]{1,255}$')
);

-- The executor also claims tenders held REQUIRES_ACTION for a missing payment connector (re-checked
-- every few minutes), so the due index covers them too.
DROP INDEX refunds.refund_tenders_due_idx;
CREATE INDEX refund_tenders_due_idx ON refunds.refund_tenders (next_attempt_at) WHERE status IN ('PENDING', 'SUBMITTED', 'REQUIRES_ACTION');

-- Down Migration
DROP INDEX refunds.refund_tenders_due_idx;
CREATE INDEX refund_tenders_due_idx ON refunds.refund_tenders (next_attempt_at) WHERE status IN ('PENDING', 'SUBMITTED');
ALTER TABLE refunds.refund_tenders DROP CONSTRAINT refund_tenders_store_credit_reference;
