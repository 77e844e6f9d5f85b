-- Up Migration

-- SETTLED: the refund succeeded and its credit memo is posted in the ERP — the financial side of
-- completion. (REFUNDED already means the provider paid and the posting is at least queued.)
ALTER TABLE returns.returns DROP CONSTRAINT returns_financial_status_check;
ALTER TABLE returns.returns ADD CONSTRAINT returns_financial_status_check
  CHECK (financial_status IN ('NOT_STARTED', 'PENDING', 'REFUNDED', 'SETTLED', 'FAILED'));

-- Down Migration
ALTER TABLE returns.returns DROP CONSTRAINT returns_financial_status_check;
ALTER TABLE returns.returns ADD CONSTRAINT returns_financial_status_check
  CHECK (financial_status IN ('NOT_STARTED', 'PENDING', 'REFUNDED', 'FAILED'));
