-- Up Migration

-- Every receipt or inspection a warehouse reported (signed webhook or dropped file) and what
-- became of it, so a message is applied once however often it is sent, and a repeat answers the
-- same result. Written by subgraphs/returns/warehouse/message-log.ts only: an APPLIED row in the
-- same transaction as the receipt or inspection itself, a REJECTED row after a refusal that
-- applied nothing. Kept (unlike idempotency keys, reaped after a day): a 3PL re-sending last
-- week's file must not receive it twice.
CREATE TABLE returns.warehouse_messages (
  warehouse_id  text NOT NULL CHECK (length(warehouse_id) BETWEEN 1 AND 100),
  message_id    text NOT NULL CHECK (length(message_id) BETWEEN 1 AND 100),
  kind          text NOT NULL CHECK (kind IN ('receipt', 'inspection')),
  return_id     text NOT NULL CHECK (length(return_id) BETWEEN 1 AND 100),
  -- When the warehouse says it happened; received_at is when we heard it.
  occurred_at   timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  status        text NOT NULL CHECK (status IN ('APPLIED', 'REJECTED')),
  -- sha256 of the message as read: the same id with other content is refused, never applied.
  fingerprint   text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
  -- APPLIED: {"returnId"}; REJECTED: {"errors": [{lineNumber, code, message}]}.
  result        jsonb NOT NULL CHECK (jsonb_typeof(result) = 'object'),
  PRIMARY KEY (warehouse_id, message_id)
);

CREATE INDEX warehouse_messages_return ON returns.warehouse_messages (return_id);

-- Down Migration
DROP TABLE returns.warehouse_messages;
