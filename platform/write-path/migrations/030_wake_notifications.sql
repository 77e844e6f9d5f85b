-- Up Migration
-- Cheaper writes (issue 15), in EACH subgraph's schema like 002: pollers sleep when idle and are
-- woken by NOTIFY instead of committing a look every 250 ms. An append to the outbox wakes the
-- relay; a parked or replayed delivery wakes the consumers' retry loop. Statement triggers, so a
-- transaction appending many rows notifies once per statement (and PostgreSQL folds identical
-- notifications of one transaction into one); NOTIFY is sent on commit, so nobody is woken for a
-- row that was rolled back. Channels: rg_wake_<schema>_<table>. Missed notifications (a listener
-- reconnecting) are covered by each poller's slow fallback poll.
CREATE FUNCTION notify_wake() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('rg_wake_' || TG_TABLE_SCHEMA || '_' || TG_TABLE_NAME, '');
  RETURN NULL;
END
$$;
CREATE TRIGGER outbox_wake AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION notify_wake();
CREATE TRIGGER pending_deliveries_wake AFTER INSERT ON pending_deliveries FOR EACH STATEMENT EXECUTE FUNCTION notify_wake();

-- Down Migration
DROP TRIGGER pending_deliveries_wake ON pending_deliveries;
DROP TRIGGER outbox_wake ON outbox;
DROP FUNCTION notify_wake();
