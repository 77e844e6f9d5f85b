-- Up Migration

-- Human-facing RMA numbers (RMA-100001, ...), read out at counters and printed on labels.
CREATE SEQUENCE returns.rma_number_seq START 100001;

ALTER TABLE returns.returns
  ADD COLUMN number text UNIQUE CHECK (number ~ '^RMA-[0-9]{6,}$'),
  -- The policy version the return was decided under, so a later policy never re-judges it.
  ADD COLUMN policy_version integer CHECK (policy_version >= 1),
  -- Where the units are to be received: the store for an in-store return, a warehouse otherwise.
  ADD COLUMN destination_location_id text CHECK (destination_location_id IS NULL OR length(destination_location_id) BETWEEN 1 AND 200),
  ADD COLUMN refund_method text CHECK (refund_method IN ('ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH')),
  ADD COLUMN fraud_outcome text CHECK (fraud_outcome IN ('APPROVE', 'REVIEW', 'DECLINE')),
  ADD COLUMN fraud_reasons jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(fraud_reasons) = 'array'),
  ADD COLUMN approval text CHECK (approval IN ('AUTO_APPROVE', 'NEEDS_APPROVAL', 'NEEDS_MANAGER_APPROVAL')),
  -- Net value of the returned units (price less discount, tax included), in the order's currency.
  ADD COLUMN value_minor bigint CHECK (value_minor >= 0),
  ADD COLUMN currency char(3) CHECK (currency ~ '^[A-Z]{3}$'),
  ADD COLUMN receipt_presented boolean NOT NULL DEFAULT true,
  ADD COLUMN decline_reason text CHECK (decline_reason IS NULL OR length(decline_reason) BETWEEN 1 AND 100),
  ADD COLUMN note text CHECK (note IS NULL OR length(note) <= 2000),
  ADD COLUMN created_by text CHECK (created_by IS NULL OR length(created_by) BETWEEN 1 AND 200),
  ADD COLUMN carrier text CHECK (carrier IS NULL OR length(carrier) BETWEEN 1 AND 100),
  ADD COLUMN tracking_number text CHECK (tracking_number IS NULL OR length(tracking_number) BETWEEN 1 AND 100),
  -- Bumped by every transition: the per-return sequence number subscribers order events by.
  ADD COLUMN revision integer NOT NULL DEFAULT 0 CHECK (revision >= 0);
CREATE INDEX returns_customer_idx ON returns.returns (customer_id, requested_at DESC);
CREATE INDEX returns_status_idx ON returns.returns (status, requested_at DESC, id DESC);
CREATE INDEX returns_store_idx ON returns.returns (store_id, requested_at DESC, id DESC) WHERE store_id IS NOT NULL;

ALTER TABLE returns.return_lines
  -- Units received so far; never more than authorized.
  ADD COLUMN received_quantity integer NOT NULL DEFAULT 0 CHECK (received_quantity >= 0),
  ADD COLUMN net_value_minor bigint NOT NULL DEFAULT 0 CHECK (net_value_minor >= 0),
  ADD COLUMN restocking_fee_minor bigint NOT NULL DEFAULT 0 CHECK (restocking_fee_minor >= 0),
  ADD COLUMN category text,
  -- The line's place in the request, so lines read back in the order they were asked for.
  ADD COLUMN position integer NOT NULL DEFAULT 0 CHECK (position >= 0),
  ADD CONSTRAINT return_lines_received_le_quantity CHECK (received_quantity <= quantity),
  ADD CONSTRAINT return_lines_fee_le_value CHECK (restocking_fee_minor <= net_value_minor);

-- The disposition of inspected units: per line, how many went to which state, where and by whom.
CREATE TABLE returns.return_line_dispositions (
  id              bigserial PRIMARY KEY,
  return_line_id  text NOT NULL REFERENCES returns.return_lines (id) ON DELETE CASCADE,
  disposition     text NOT NULL CHECK (disposition IN ('SELLABLE', 'DAMAGED', 'REFURBISH', 'VENDOR_RETURN', 'SCRAP')),
  quantity        integer NOT NULL CHECK (quantity > 0),
  location_id     text NOT NULL CHECK (length(location_id) BETWEEN 1 AND 200),
  inspected_by    text NOT NULL CHECK (length(inspected_by) BETWEEN 1 AND 200),
  inspected_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX return_line_dispositions_line_idx ON returns.return_line_dispositions (return_line_id);

-- Every receipt of units: where, which lines, how many, by whom.
CREATE TABLE returns.return_receipts (
  id           bigserial PRIMARY KEY,
  return_id    text NOT NULL REFERENCES returns.returns (id) ON DELETE CASCADE,
  location_id  text NOT NULL CHECK (length(location_id) BETWEEN 1 AND 200),
  lines        jsonb NOT NULL CHECK (jsonb_typeof(lines) = 'array'),
  received_by  text NOT NULL CHECK (length(received_by) BETWEEN 1 AND 200),
  received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX return_receipts_return_idx ON returns.return_receipts (return_id);

-- Every transition of a return: from, to, what did it, who, where, which request. Append-only.
CREATE TABLE returns.return_timeline (
  id              bigserial PRIMARY KEY,
  return_id       text NOT NULL REFERENCES returns.returns (id) ON DELETE CASCADE,
  from_status     text,
  to_status       text NOT NULL,
  action          text NOT NULL CHECK (length(action) BETWEEN 1 AND 60),
  actor           text NOT NULL CHECK (length(actor) BETWEEN 1 AND 200),
  roles           text[] NOT NULL,
  channel         text CHECK (channel IN ('ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE')),
  store_id        text,
  correlation_id  text,
  note            text CHECK (note IS NULL OR length(note) <= 2000),
  occurred_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX return_timeline_return_idx ON returns.return_timeline (return_id, id);
CREATE RULE return_timeline_no_update AS ON UPDATE TO returns.return_timeline DO INSTEAD NOTHING;
CREATE RULE return_timeline_no_delete AS ON DELETE TO returns.return_timeline DO INSTEAD NOTHING;

-- Down Migration
DROP TABLE returns.return_timeline;
DROP TABLE returns.return_receipts;
DROP TABLE returns.return_line_dispositions;
ALTER TABLE returns.return_lines DROP COLUMN received_quantity, DROP COLUMN net_value_minor, DROP COLUMN restocking_fee_minor, DROP COLUMN category, DROP COLUMN position;
ALTER TABLE returns.returns DROP COLUMN number, DROP COLUMN policy_version, DROP COLUMN destination_location_id, DROP COLUMN refund_method,
  DROP COLUMN fraud_outcome, DROP COLUMN fraud_reasons, DROP COLUMN approval, DROP COLUMN value_minor, DROP COLUMN currency,
  DROP COLUMN receipt_presented, DROP COLUMN decline_reason, DROP COLUMN note, DROP COLUMN created_by, DROP COLUMN carrier, DROP COLUMN tracking_number, DROP COLUMN revision;
DROP SEQUENCE returns.rma_number_seq;
