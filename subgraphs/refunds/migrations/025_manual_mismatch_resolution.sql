-- Up Migration

-- A person may close an open reconciliation mismatch (resolveReconciliationException, from the
-- exceptions queue): who and why are kept beside the run-based resolution. A mismatch is RESOLVED
-- either by a run that no longer finds it (resolved_run) or by a person (resolved_by and a note);
-- a later run that finds it again reopens it, as before.
ALTER TABLE refunds.reconciliation_exceptions
  ADD COLUMN resolved_by     text CHECK (resolved_by IS NULL OR length(resolved_by) BETWEEN 1 AND 200),
  ADD COLUMN resolution_note text CHECK (resolution_note IS NULL OR length(resolution_note) BETWEEN 1 AND 1000),
  ADD CONSTRAINT reconciliation_exceptions_manual_whole CHECK ((resolved_by IS NULL) = (resolution_note IS NULL));

ALTER TABLE refunds.reconciliation_exceptions DROP CONSTRAINT reconciliation_exceptions_check1;
ALTER TABLE refunds.reconciliation_exceptions ADD CONSTRAINT reconciliation_exceptions_resolved_whole
  CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL AND (resolved_run IS NOT NULL OR resolved_by IS NOT NULL)));

-- Down Migration
ALTER TABLE refunds.reconciliation_exceptions DROP CONSTRAINT reconciliation_exceptions_resolved_whole;
UPDATE refunds.reconciliation_exceptions SET status = 'OPEN', resolved_at = NULL WHERE resolved_run IS NULL AND status = 'RESOLVED';
ALTER TABLE refunds.reconciliation_exceptions ADD CONSTRAINT reconciliation_exceptions_check1
  CHECK ((status = 'RESOLVED') = (resolved_at IS NOT NULL AND resolved_run IS NOT NULL));
ALTER TABLE refunds.reconciliation_exceptions DROP CONSTRAINT reconciliation_exceptions_manual_whole, DROP COLUMN resolution_note, DROP COLUMN resolved_by;
