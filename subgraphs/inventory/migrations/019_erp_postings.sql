-- Up Migration

-- The ERP posting queue of stock movements. The erp-sync consumer records each InventoryMoved
-- event's movements here, exactly once through the inbox (one row per event); the posting worker
-- drains them oldest first. An ERP outage leaves them QUEUED however long it lasts: nothing is
-- dropped, nothing dead-letters.
CREATE TABLE inventory.erp_postings (
  -- Queue order: postings are started in this order (oldest first).
  queue_position  bigserial PRIMARY KEY,
  -- The InventoryMoved event recorded: one posting per event, and the cause of nothing else.
  event_id        text NOT NULL UNIQUE CHECK (length(event_id) BETWEEN 1 AND 200),
  correlation_id  text NOT NULL CHECK (length(correlation_id) BETWEEN 1 AND 200),
  -- The movements as the ERP receives them (`ErpStockMovement[]`), idempotent there by movement id.
  movements       jsonb NOT NULL CHECK (jsonb_typeof(movements) = 'array' AND jsonb_array_length(movements) > 0),
  status          text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED', 'POSTED', 'FAILED')),
  -- Attempts that did not book them (unavailable, unknown), the last error, and why a refusal is final.
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error      text CHECK (last_error IS NULL OR length(last_error) <= 2000),
  failure_reason  text CHECK (failure_reason IS NULL OR length(failure_reason) BETWEEN 1 AND 2000),
  -- Not before: a worker's lease while it posts, or the backoff of an error of this posting alone.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  queued_at       timestamptz NOT NULL DEFAULT now(),
  posted_at       timestamptz,
  CHECK ((status = 'POSTED') = (posted_at IS NOT NULL)),
  CHECK ((status = 'FAILED') = (failure_reason IS NOT NULL))
);
CREATE INDEX erp_postings_queue ON inventory.erp_postings (queue_position) WHERE status = 'QUEUED';

-- The queue's shared backoff (one row): while the ERP is unavailable every instance stops posting
-- until `paused_until`, so the oldest posting is the first the ERP sees when it returns.
CREATE TABLE inventory.erp_posting_queue (
  id                    boolean PRIMARY KEY DEFAULT true CHECK (id),
  paused_until          timestamptz NOT NULL DEFAULT '-infinity',
  consecutive_failures  integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0)
);
INSERT INTO inventory.erp_posting_queue DEFAULT VALUES;

-- Down Migration
DROP TABLE inventory.erp_posting_queue;
DROP TABLE inventory.erp_postings;
