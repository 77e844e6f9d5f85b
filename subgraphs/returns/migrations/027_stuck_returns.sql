-- Up Migration

-- Returns stuck past the policy age (the exceptions queue's RETURN_STUCK): open returns by their
-- last change, oldest first, without reading closed ones.
CREATE INDEX returns_open_by_change_idx ON returns.returns (updated_at, id) WHERE status NOT IN ('COMPLETED', 'DECLINED', 'CANCELED');

-- Down Migration
DROP INDEX returns.returns_open_by_change_idx;
