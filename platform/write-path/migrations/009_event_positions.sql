-- Up Migration
-- Event positions in commit order (issue 10), in EACH subgraph's schema like 002.
--
-- `seq` is taken from a sequence at INSERT, so a transaction holding seq 10 can commit after one
-- holding seq 11: ordering by seq publishes 11 before 10, and a subscriber that has 11 never gets
-- 10. `position` is stamped by the relay, under its advisory lock, on the rows it can SEE: an
-- uncommitted row is invisible, so it gets a later position once it commits. Positions therefore
-- follow commit order and never change once committed; cursors, subscriber dedupe, catch-up and
-- per-aggregate order on the bus all use them. `seq` stays as the row's identity and stamping order.
ALTER TABLE outbox ADD COLUMN position bigint UNIQUE CHECK (position > 0);
-- Rows already logged keep their seq as position, so cursors handed out before this migration
-- still name the same events.
UPDATE outbox SET position = seq;
-- The relay's work lists: rows to stamp (by seq), stamped rows to publish (by position).
CREATE INDEX outbox_unstamped_idx ON outbox (seq) WHERE position IS NULL;
DROP INDEX outbox_unpublished_idx;
CREATE INDEX outbox_unpublished_idx ON outbox (position) WHERE published_at IS NULL;

-- The last position stamped. Kept here, not derived from max(position), because pruning deletes
-- the oldest rows: after a quiet week the log can be empty, and positions must never be reused.
ALTER TABLE relay_state ADD COLUMN last_position bigint NOT NULL DEFAULT 0 CHECK (last_position >= 0);
UPDATE relay_state SET last_position = (SELECT coalesce(max(position), 0) FROM outbox);

-- Down Migration
ALTER TABLE relay_state DROP COLUMN last_position;
DROP INDEX outbox_unpublished_idx;
DROP INDEX outbox_unstamped_idx;
ALTER TABLE outbox DROP COLUMN position;
CREATE INDEX outbox_unpublished_idx ON outbox (seq) WHERE published_at IS NULL;
