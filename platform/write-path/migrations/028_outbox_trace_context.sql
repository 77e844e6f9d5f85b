-- Up Migration
-- Traces (issue 14), in EACH subgraph's schema like 002: the W3C trace context of the request that
-- appended an event, so the relay's publish span and the consumers' spans continue that request's
-- trace in whatever process and round they run. Null when the request was not traced (tracing off
-- or not sampled) and for rows appended before this migration.
ALTER TABLE outbox ADD COLUMN traceparent text CHECK (traceparent IS NULL OR traceparent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');

-- Down Migration
ALTER TABLE outbox DROP COLUMN traceparent;
