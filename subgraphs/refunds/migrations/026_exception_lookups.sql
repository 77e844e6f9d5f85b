-- Up Migration

-- The exceptions queue names each refund's flow by the correlation id of its first event: found by
-- aggregate here, instead of a scan of the whole outbox per exception shown.
CREATE INDEX outbox_aggregate_idx ON refunds.outbox (aggregate_id, seq);

-- Down Migration
DROP INDEX refunds.outbox_aggregate_idx;
