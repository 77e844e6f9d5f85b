-- Up Migration

-- The reference ERP's books for refunds: credit memos and a double-entry journal. Like the stock
-- journal, this stands in for the retailer's ERP; it is written only through `ReferenceErp`.

-- The chart of accounts the refund postings use. Debit-normal: assets and contra-revenue;
-- credit-normal: liabilities and revenue.
CREATE TABLE erp.accounts (
  code  text PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
  name  text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
  kind  text NOT NULL CHECK (kind IN ('asset', 'liability', 'revenue', 'contra_revenue'))
);
INSERT INTO erp.accounts (code, name, kind) VALUES
  ('1000', 'Cash on hand', 'asset'),
  ('1150', 'Refund clearing', 'asset'),
  ('2200', 'Sales tax payable', 'liability'),
  ('2400', 'Store credit liability', 'liability'),
  ('4100', 'Sales returns and allowances', 'contra_revenue'),
  ('4200', 'Shipping income', 'revenue'),
  ('4300', 'Restocking fee income', 'revenue');

-- Credit memo numbers (CM-000001, ...). A sequence is not transactional: a posting that rolls
-- back leaves a gap, which auditors accept when the journal explains every number that exists.
CREATE SEQUENCE erp.credit_memo_number_seq;

-- One credit memo per refund (our refund id is the idempotency key), with its totals. The CHECK
-- repeats the rule the connector validates: the parts add up to what was refunded.
CREATE TABLE erp.credit_memos (
  refund_id              text PRIMARY KEY CHECK (refund_id ~ '^rfd_\w{1,100}$'),
  number                 text NOT NULL UNIQUE CHECK (number ~ '^CM-[0-9]{6,}$'),
  order_id               text NOT NULL CHECK (length(order_id) BETWEEN 1 AND 200),
  return_id              text CHECK (return_id IS NULL OR length(return_id) BETWEEN 1 AND 200),
  currency               char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  merchandise_net_minor  bigint NOT NULL CHECK (merchandise_net_minor >= 0),
  merchandise_tax_minor  bigint NOT NULL CHECK (merchandise_tax_minor >= 0),
  shipping_minor         bigint NOT NULL CHECK (shipping_minor >= 0),
  shipping_tax_minor     bigint NOT NULL CHECK (shipping_tax_minor >= 0),
  restocking_fee_minor   bigint NOT NULL CHECK (restocking_fee_minor >= 0),
  total_minor            bigint NOT NULL CHECK (total_minor > 0),
  occurred_at            timestamptz NOT NULL,
  posted_at              timestamptz NOT NULL DEFAULT now(),
  CHECK (merchandise_net_minor + merchandise_tax_minor + shipping_minor + shipping_tax_minor - restocking_fee_minor = total_minor)
);

-- The refunded lines of a memo, in the order given.
CREATE TABLE erp.credit_memo_lines (
  refund_id    text NOT NULL REFERENCES erp.credit_memos (refund_id),
  line_no      integer NOT NULL CHECK (line_no > 0),
  sku          text CHECK (sku IS NULL OR length(sku) BETWEEN 1 AND 100),
  description  text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  net_minor    bigint NOT NULL CHECK (net_minor >= 0),
  tax_minor    bigint NOT NULL CHECK (tax_minor >= 0),
  PRIMARY KEY (refund_id, line_no)
);

-- How a memo's total was paid out (original payment, store credit, cash).
CREATE TABLE erp.credit_memo_tenders (
  refund_id     text NOT NULL REFERENCES erp.credit_memos (refund_id),
  tender_no     integer NOT NULL CHECK (tender_no > 0),
  method        text NOT NULL CHECK (method ~ '^[A-Z][A-Z_]{0,39}$'),
  amount_minor  bigint NOT NULL CHECK (amount_minor > 0),
  PRIMARY KEY (refund_id, tender_no)
);

-- The general journal: one entry per business event (today: one per credit memo), each balanced
-- (checked at commit by the constraint triggers below). The books are append-only.
CREATE TABLE erp.journal_entries (
  id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  credit_memo_refund_id  text NOT NULL UNIQUE REFERENCES erp.credit_memos (refund_id),
  currency               char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  description            text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
  occurred_at            timestamptz NOT NULL,
  posted_at              timestamptz NOT NULL DEFAULT now()
);

-- The debit and credit lines of a journal entry; each line is one side only.
CREATE TABLE erp.journal_lines (
  entry_id      bigint NOT NULL REFERENCES erp.journal_entries (id),
  line_no       integer NOT NULL CHECK (line_no > 0),
  account       text NOT NULL REFERENCES erp.accounts (code),
  debit_minor   bigint NOT NULL DEFAULT 0 CHECK (debit_minor >= 0),
  credit_minor  bigint NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
  memo          text CHECK (memo IS NULL OR length(memo) <= 500),
  PRIMARY KEY (entry_id, line_no),
  CHECK ((debit_minor > 0) <> (credit_minor > 0))
);
CREATE INDEX journal_lines_account_idx ON erp.journal_lines (account);

-- Double entry, enforced by the database: at commit, every entry touched in the transaction has at
-- least two lines and its debits equal its credits. Deferred, so an entry may be written line by line.
CREATE FUNCTION erp.assert_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry bigint;
  debits numeric;
  credits numeric;
  line_count integer;
BEGIN
  IF TG_TABLE_NAME = 'journal_entries' THEN
    entry := NEW.id;
  ELSE
    entry := NEW.entry_id;
  END IF;
  SELECT COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0), count(*)
    INTO debits, credits, line_count
    FROM erp.journal_lines WHERE entry_id = entry;
  IF line_count < 2 OR debits <> credits THEN
    RAISE EXCEPTION 'journal entry % does not balance: % lines, debits %, credits %', entry, line_count, debits, credits
      USING ERRCODE = 'check_violation', CONSTRAINT = 'journal_entry_balanced';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER journal_entry_balanced AFTER INSERT ON erp.journal_entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION erp.assert_entry_balanced();
CREATE CONSTRAINT TRIGGER journal_lines_balanced AFTER INSERT ON erp.journal_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION erp.assert_entry_balanced();

-- Posted books are never edited: a correction is a new, reversing entry.
CREATE FUNCTION erp.refuse_book_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'erp.% is append-only: post a reversing entry instead of %', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER journal_entries_append_only BEFORE UPDATE OR DELETE ON erp.journal_entries
  FOR EACH ROW EXECUTE FUNCTION erp.refuse_book_change();
CREATE TRIGGER journal_lines_append_only BEFORE UPDATE OR DELETE ON erp.journal_lines
  FOR EACH ROW EXECUTE FUNCTION erp.refuse_book_change();
CREATE TRIGGER credit_memos_append_only BEFORE UPDATE OR DELETE ON erp.credit_memos
  FOR EACH ROW EXECUTE FUNCTION erp.refuse_book_change();
CREATE TRIGGER credit_memo_lines_append_only BEFORE UPDATE OR DELETE ON erp.credit_memo_lines
  FOR EACH ROW EXECUTE FUNCTION erp.refuse_book_change();
CREATE TRIGGER credit_memo_tenders_append_only BEFORE UPDATE OR DELETE ON erp.credit_memo_tenders
  FOR EACH ROW EXECUTE FUNCTION erp.refuse_book_change();

-- Down Migration
DROP TABLE erp.journal_lines;
DROP TABLE erp.journal_entries;
DROP FUNCTION erp.refuse_book_change();
DROP FUNCTION erp.assert_entry_balanced();
DROP TABLE erp.credit_memo_tenders;
DROP TABLE erp.credit_memo_lines;
DROP TABLE erp.credit_memos;
DROP SEQUENCE erp.credit_memo_number_seq;
DROP TABLE erp.accounts;
