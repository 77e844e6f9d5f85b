-- Up Migration

-- The built-in store-credit ledger: store credit and gift cards the retailer owes its customers,
-- kept in double entry. It is a payment provider of our own (`StoreCreditLedger`, provider
-- `store_credit`), so it lives in its own schema that no subgraph reads; the refunds subgraph sees
-- it only through the payment port. Amounts are integer minor units.

-- One account per holder and currency. Holder accounts (a customer's store credit, a gift card) are
-- liabilities: their balance is credits - debits. `issued` (store credit given as refunds, an
-- expense) is debit-normal; `redeemed` (credit spent at checkout, a clearing account) is
-- credit-normal. Every balance is kept on its normal side and never goes below zero: a holder cannot
-- spend what it does not have, and a redemption cannot be refunded twice.
CREATE TABLE store_credit.accounts (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- `customer:<customer id>`, `gift_card:<number>` (ids as the order had them: 1 to 255 characters,
  -- spaces allowed, no control characters), `system:issued` or `system:redeemed`.
  key                text NOT NULL CHECK (key ~ '^(customer|gift_card):[^[:cntrl:]]{1,255}$' OR key IN ('system:issued', 'system:redeemed')),
  currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  kind               text NOT NULL CHECK (kind IN ('customer', 'gift_card', 'issued', 'redeemed')),
  normal_side        text NOT NULL CHECK (normal_side IN ('debit', 'credit')),
  balance_minor      bigint NOT NULL DEFAULT 0 CONSTRAINT account_balance_not_negative CHECK (balance_minor >= 0),
  -- The customer a gift card the ledger issued was issued to (null for cards it only heard of).
  owner_customer_id  text CHECK (owner_customer_id IS NULL OR length(owner_customer_id) BETWEEN 1 AND 200),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (key, currency),
  -- Lines reference (id, currency), so a line can only touch an account of its entry's currency.
  UNIQUE (id, currency),
  CHECK (split_part(key, ':', 1) = CASE kind WHEN 'issued' THEN 'system' WHEN 'redeemed' THEN 'system' ELSE kind END),
  CHECK (normal_side = CASE kind WHEN 'issued' THEN 'debit' ELSE 'credit' END),
  CHECK (owner_customer_id IS NULL OR kind = 'gift_card')
);

-- Gift card numbers the ledger issues (GC-0000000001, ...); a gap from a rolled-back issue is harmless.
CREATE SEQUENCE store_credit.gift_card_number_seq;

-- One entry per business event: a REFUND credits a holder (idempotent by the caller's key, the
-- refund tender's `rft_…:g<n>`), a REDEMPTION spends a holder's credit at checkout (idempotent by
-- its payment reference). `request_reference` and the amount are the request as asked, so a replay
-- of the key with another request is refused; `account_key` is where the money went (for
-- `new_gift_card:` the card issued). A refund of a redemption names it in `redemption_id`.
CREATE TABLE store_credit.entries (
  id                 text PRIMARY KEY CHECK (id ~ '^sce_[0-9a-f]{24}$'),
  kind               text NOT NULL CHECK (kind IN ('REFUND', 'REDEMPTION')),
  idempotency_key    text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_reference  text NOT NULL CHECK (length(request_reference) BETWEEN 1 AND 300),
  account_key        text NOT NULL CHECK (account_key ~ '^(customer|gift_card):'),
  redemption_id      text REFERENCES store_credit.entries (id),
  amount_minor       bigint NOT NULL CHECK (amount_minor > 0),
  currency           char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reason             text CHECK (reason IS NULL OR length(reason) <= 500),
  created_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (id, currency),
  CHECK (redemption_id IS NULL OR kind = 'REFUND')
);
CREATE INDEX entries_created_idx ON store_credit.entries (created_at);
CREATE INDEX entries_redemption_idx ON store_credit.entries (redemption_id) WHERE redemption_id IS NOT NULL;

-- The debit and credit lines of an entry; each line is one side only, in the entry's currency.
CREATE TABLE store_credit.entry_lines (
  entry_id      text NOT NULL,
  line_no       integer NOT NULL CHECK (line_no > 0),
  account_id    bigint NOT NULL,
  currency      char(3) NOT NULL,
  debit_minor   bigint NOT NULL DEFAULT 0 CHECK (debit_minor >= 0),
  credit_minor  bigint NOT NULL DEFAULT 0 CHECK (credit_minor >= 0),
  PRIMARY KEY (entry_id, line_no),
  FOREIGN KEY (entry_id, currency) REFERENCES store_credit.entries (id, currency),
  FOREIGN KEY (account_id, currency) REFERENCES store_credit.accounts (id, currency),
  CHECK ((debit_minor > 0) <> (credit_minor > 0))
);
CREATE INDEX entry_lines_account_idx ON store_credit.entry_lines (account_id, entry_id);

-- Each line moves its account's balance on the spot, so the balance CHECK refuses an overdraft in
-- the statement that would cause it (the caller maps it to a decline).
CREATE FUNCTION store_credit.apply_line() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE store_credit.accounts
     SET balance_minor = balance_minor + CASE normal_side WHEN 'credit' THEN NEW.credit_minor - NEW.debit_minor ELSE NEW.debit_minor - NEW.credit_minor END
   WHERE id = NEW.account_id;
  RETURN NULL;
END;
$$;
CREATE TRIGGER entry_lines_apply AFTER INSERT ON store_credit.entry_lines FOR EACH ROW EXECUTE FUNCTION store_credit.apply_line();

-- Double entry, enforced by the database: at commit, every entry touched in the transaction has at
-- least two lines and its debits equal its credits (and its amount). Deferred, so an entry may be
-- written line by line.
CREATE FUNCTION store_credit.assert_entry_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry text;
  amount bigint;
  debits numeric;
  credits numeric;
  line_count integer;
BEGIN
  IF TG_TABLE_NAME = 'entries' THEN
    entry := NEW.id;
  ELSE
    entry := NEW.entry_id;
  END IF;
  SELECT amount_minor INTO amount FROM store_credit.entries WHERE id = entry;
  SELECT COALESCE(SUM(debit_minor), 0), COALESCE(SUM(credit_minor), 0), count(*)
    INTO debits, credits, line_count
    FROM store_credit.entry_lines WHERE entry_id = entry;
  IF line_count < 2 OR debits <> credits OR debits <> amount THEN
    RAISE EXCEPTION 'store credit entry % does not balance: % lines, debits %, credits %, amount %', entry, line_count, debits, credits, amount
      USING ERRCODE = 'check_violation', CONSTRAINT = 'store_credit_entry_balanced';
  END IF;
  RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER entries_balanced AFTER INSERT ON store_credit.entries
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION store_credit.assert_entry_balanced();
CREATE CONSTRAINT TRIGGER entry_lines_balanced AFTER INSERT ON store_credit.entry_lines
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION store_credit.assert_entry_balanced();

-- The books are append-only: a correction is a new entry, never an edit.
CREATE FUNCTION store_credit.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'store_credit.% is append-only: post a new entry instead of %', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER entries_append_only BEFORE UPDATE OR DELETE ON store_credit.entries
  FOR EACH ROW EXECUTE FUNCTION store_credit.refuse_change();
CREATE TRIGGER entry_lines_append_only BEFORE UPDATE OR DELETE ON store_credit.entry_lines
  FOR EACH ROW EXECUTE FUNCTION store_credit.refuse_change();

-- Down Migration
DROP TABLE store_credit.entry_lines;
DROP TABLE store_credit.entries;
DROP FUNCTION store_credit.refuse_change();
DROP FUNCTION store_credit.assert_entry_balanced();
DROP FUNCTION store_credit.apply_line();
DROP SEQUENCE store_credit.gift_card_number_seq;
DROP TABLE store_credit.accounts;
