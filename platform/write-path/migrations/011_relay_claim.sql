-- Up Migration
-- The relay publishes outside any database transaction (issue 11), in EACH subgraph's schema like
-- 002: it claims a batch (stamp positions, record the claim, commit), publishes it, then marks it
-- published (commit). While it publishes it holds no lock, so the claim is what keeps a second
-- relay instance from publishing later rows first: one live claim per outbox, and an instance may
-- claim only when there is none, the claim is its own, or the claim has expired (its holder crashed
-- or lost the bus; the batch is then published again, at least once, as the inboxes expect).
ALTER TABLE relay_state
  ADD COLUMN claimed_by text CHECK (claimed_by IS NULL OR length(claimed_by) BETWEEN 1 AND 100),
  ADD COLUMN claimed_until timestamptz,
  ADD CONSTRAINT relay_state_claim_whole CHECK ((claimed_by IS NULL) = (claimed_until IS NULL));

-- Down Migration
ALTER TABLE relay_state DROP CONSTRAINT relay_state_claim_whole, DROP COLUMN claimed_until, DROP COLUMN claimed_by;
