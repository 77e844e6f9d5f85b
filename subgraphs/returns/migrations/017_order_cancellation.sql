-- Up Migration

-- When the commerce platform cancelled the order (OrderRecorded carries it since issue 12): a
-- cancelled order is not returned. Null while the order stands, and for snapshots of older events.
ALTER TABLE returns.order_snapshots ADD COLUMN cancelled_at timestamptz;

-- Down Migration

ALTER TABLE returns.order_snapshots DROP COLUMN cancelled_at;
