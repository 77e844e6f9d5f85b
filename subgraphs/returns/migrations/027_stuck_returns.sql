-- Up Migration

-- Returns stuck past the policy age (the exceptions queue's RETURN_STUCK): open returns by their
-- last change, oldest first, without reading closed ones.
CREATE INDEX returns_open_by_change_idx ON returns.returns (updated_at, id) WHERE status NOT IN ('COMPLETED', 'DECLINED', 'CANCELED');
-- A return's flow: the correlation id of its first event, found by aggregate.
CREATE INDEX outbox_aggregate_idx ON returns.outbox (aggregate_id, seq);

-- Down Migration
DROP INDEX returns.outbox_aggregate_idx;
DROP INDEX returns.returns_open_by_change_idx;
