-- Up Migration
-- The returns KPIs (issue 14, docs/design/011): when the return's refund succeeded and its credit
-- memo was posted (from the refunds subgraph's events, at the events' own occurredAt), and every
-- manual action a return needed, so the refund cycle time and the first-time-right rate are read
-- from this schema alone.
ALTER TABLE returns.returns
  -- The latest RefundSucceeded of the return's refunds: the refund side is done when its last refund paid.
  ADD COLUMN refund_succeeded_at timestamptz,
  -- The latest CreditMemoPosted of the return's refunds.
  ADD COLUMN memo_posted_at timestamptz;

-- A manual action on a return (a person had to step in), one row per kind and source event or
-- request: the return is then not "first time right". Kinds learnt from events:
-- MANUAL_REFUND (RefundRequested, trigger MANUAL), REFUND_AWAITED_APPROVAL (RefundRequested above
-- the four-eyes threshold), REFUND_FAILED (RefundFailed: someone must retry), REFUND_REQUIRES_ACTION.
-- Staff approvals and dead-letter replays are read from this schema's timeline and dead letters.
CREATE TABLE returns.return_manual_actions (
  return_id    text NOT NULL REFERENCES returns.returns (id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('MANUAL_REFUND', 'REFUND_AWAITED_APPROVAL', 'REFUND_FAILED', 'REFUND_REQUIRES_ACTION')),
  source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 200),
  occurred_at  timestamptz NOT NULL,
  PRIMARY KEY (return_id, kind, source)
);

-- Down Migration
DROP TABLE returns.return_manual_actions;
ALTER TABLE returns.returns DROP COLUMN memo_posted_at, DROP COLUMN refund_succeeded_at;
