-- Up Migration
-- Traces and correlation (issue 14). A refund's tenders are paid, and its credit memo posted, by
-- workers in later rounds, outside the request that caused them. Until now the payment worker ran
-- under a made-up correlation id (`refund:<id>`); it now keeps the request's own, and both workers
-- continue that request's trace from the stored W3C trace context. Null for rows from before this
-- migration (the worker then falls back to `refund:<id>`) and when the request was not traced.
ALTER TABLE refunds.refund_tenders
  ADD COLUMN correlation_id text CHECK (correlation_id IS NULL OR length(correlation_id) BETWEEN 1 AND 200),
  ADD COLUMN traceparent text CHECK (traceparent IS NULL OR traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');

ALTER TABLE refunds.credit_memos
  ADD COLUMN traceparent text CHECK (traceparent IS NULL OR traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');

-- Down Migration
ALTER TABLE refunds.credit_memos DROP COLUMN traceparent;
ALTER TABLE refunds.refund_tenders DROP COLUMN traceparent, DROP COLUMN correlation_id;
