-- Up Migration

-- The ERP posting queue. A credit memo is QUEUED when its refund succeeds (status-rollup.ts); the
-- credit-memo consumer then records what to post (the memo as the ERP receives it, its place in
-- the queue, the event that caused it), exactly once through the inbox, and the posting worker
-- drains recorded postings oldest first. An ERP outage leaves them QUEUED, however long it lasts:
-- nothing is dropped, nothing dead-letters.
CREATE SEQUENCE refunds.erp_posting_positions;

ALTER TABLE refunds.credit_memos
  -- The memo the ERP receives (`ErpCreditMemo`), built once, so every attempt posts the same one.
  ADD COLUMN memo            jsonb CHECK (memo IS NULL OR jsonb_typeof(memo) = 'object'),
  -- Queue order: postings are started in this order (oldest first).
  ADD COLUMN queue_position  bigint UNIQUE,
  -- The RefundSucceeded event that queued the posting: the cause and correlation of CreditMemoPosted.
  ADD COLUMN causation_id    text CHECK (causation_id IS NULL OR length(causation_id) BETWEEN 1 AND 200),
  ADD COLUMN correlation_id  text CHECK (correlation_id IS NULL OR length(correlation_id) BETWEEN 1 AND 200),
  -- Postings tried and not booked (unavailable, unknown); shown, and an exception from a threshold on.
  ADD COLUMN attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  ADD COLUMN last_error      text CHECK (last_error IS NULL OR length(last_error) <= 2000),
  -- Why the ERP refused the memo for good (FAILED only): a person must look.
  ADD COLUMN failure_reason  text CHECK (failure_reason IS NULL OR length(failure_reason) BETWEEN 1 AND 2000),
  -- Not before: a worker's lease while it posts, or the backoff of an error of this memo alone.
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();

-- No FAILED memo existed before this migration (nothing set it); say so if one did.
UPDATE refunds.credit_memos SET failure_reason = 'failed before the posting queue recorded reasons' WHERE status = 'FAILED';

ALTER TABLE refunds.credit_memos
  ADD CONSTRAINT credit_memos_failed_has_reason CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL)),
  ADD CONSTRAINT credit_memos_recorded_whole CHECK ((memo IS NULL) = (queue_position IS NULL));

-- The queue itself: recorded, unposted memos in order.
CREATE INDEX credit_memos_queue ON refunds.credit_memos (queue_position) WHERE status = 'QUEUED' AND memo IS NOT NULL;

-- The queue's shared backoff (one row). When the ERP is unavailable every instance stops posting
-- until `paused_until`, so the oldest posting is the first the ERP sees when it returns.
CREATE TABLE refunds.erp_posting_queue (
  id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
  paused_until          timestamptz NOT NULL DEFAULT '-infinity',
  -- Unavailable answers since the last booked posting: the backoff's exponent.
  consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0)
);
INSERT INTO refunds.erp_posting_queue DEFAULT VALUES;

-- Down Migration
DROP TABLE refunds.erp_posting_queue;
DROP INDEX refunds.credit_memos_queue;
ALTER TABLE refunds.credit_memos
  DROP CONSTRAINT credit_memos_recorded_whole,
  DROP CONSTRAINT credit_memos_failed_has_reason,
  DROP COLUMN next_attempt_at,
  DROP COLUMN failure_reason,
  DROP COLUMN last_error,
  DROP COLUMN attempts,
  DROP COLUMN correlation_id,
  DROP COLUMN causation_id,
  DROP COLUMN queue_position,
  DROP COLUMN memo;
DROP SEQUENCE refunds.erp_posting_positions;
