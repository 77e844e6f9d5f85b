-- Up Migration

-- The Adyen connector's own memory, in a schema no subgraph reads. Adyen names its reports by
-- settlement batch, not by date, and tells us each name once, in a REPORT_AVAILABLE notification:
-- a name we do not keep is a report reconciliation can never find again. So the webhook records
-- the name here BEFORE Adyen's notification is acknowledged (AdyenReportIndex.remember).

-- Every report Adyen announced, once per file name (Adyen resends an unacknowledged notification
-- unchanged: the first announcement wins and the resend changes nothing).
CREATE TABLE adyen.reports (
  -- The notification's pspReference: the report's file name, e.g. settlement_detail_report_batch_112.csv.
  file_name     text PRIMARY KEY CHECK (file_name ~ '^[A-Za-z0-9_.-]{1,200}$' AND file_name !~ '^\.'),
  -- The notification's reason: where Adyen serves the file (kept for operators; the gateway
  -- downloads by file name from its configured report origin).
  url           text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
  -- When we received the announcement: settlement reports of a refund are announced after it.
  announced_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reports_announced_at_idx ON adyen.reports (announced_at);

-- Down Migration
DROP TABLE adyen.reports;
