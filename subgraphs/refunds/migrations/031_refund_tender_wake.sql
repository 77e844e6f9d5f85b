-- Up Migration
-- Cheaper writes (issue 15): the refund executor sleeps when nothing is due and is woken by NOTIFY
-- on commit when a tender may have become due — a new tender, or a refund's approval changing (a
-- four-eyes refund released). Its own lease and settlement-poll times it knows and sleeps until;
-- anything else is caught by its slow fallback poll.
CREATE FUNCTION notify_refund_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rg_wake_refunds_refund_tenders', '');
  RETURN NULL;
END
$$;
CREATE TRIGGER refund_tenders_wake AFTER INSERT ON refund_tenders FOR EACH STATEMENT EXECUTE FUNCTION notify_refund_due();
CREATE TRIGGER refunds_approval_wake AFTER UPDATE OF approval_state ON refunds FOR EACH STATEMENT EXECUTE FUNCTION notify_refund_due();

-- Down Migration
DROP TRIGGER refunds_approval_wake ON refunds;
DROP TRIGGER refund_tenders_wake ON refund_tenders;
DROP FUNCTION notify_refund_due();
