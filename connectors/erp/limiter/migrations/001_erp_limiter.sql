-- Up Migration

-- The ERP limiter shared by every instance that posts to one ERP account: a rate limit (GCRA, the
-- token bucket written as one timestamp) and a concurrency cap held as expiring leases. It lives
-- in our database because that is the one thing every instance of inventory and refunds shares.

-- One row per ERP account key. `tat` (GCRA's "theoretical arrival time") is when the bucket would
-- be full again; a call may start at tat - (burst - 1) x interval at the earliest. Reserving a
-- start moves tat on by one interval, so starts are spaced at the rate whoever reserves them.
CREATE TABLE erp_limiter.buckets (
  account_key  text PRIMARY KEY CHECK (length(account_key) BETWEEN 1 AND 200),
  tat          timestamptz NOT NULL
);

-- A concurrency slot held by one call. It expires on its own, so the slot of an instance that
-- crashed mid-call comes back; a live caller deletes its lease when the call ends.
CREATE TABLE erp_limiter.leases (
  lease_id     text PRIMARY KEY CHECK (length(lease_id) BETWEEN 1 AND 100),
  account_key  text NOT NULL REFERENCES erp_limiter.buckets (account_key),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX leases_account_expiry ON erp_limiter.leases (account_key, expires_at);

-- Grants a caller a concurrency slot and a start time, or tells it how long to wait, in one round
-- trip. Granted: `wait_ms` is how long to sleep before starting (the rate's spacing). Not granted
-- (every slot held): `wait_ms` is when the first lease expires at the latest; a release comes
-- sooner, so callers poll. The bucket row's lock orders concurrent callers; times are the
-- database's clock, so instances on machines with skewed clocks still agree.
CREATE FUNCTION erp_limiter.try_acquire(
  p_key text, p_lease text, p_interval_ms double precision, p_burst integer, p_max_concurrency integer, p_lease_ttl_ms integer
) RETURNS TABLE (granted boolean, wait_ms double precision) LANGUAGE plpgsql AS $$
DECLARE
  v_now    timestamptz := clock_timestamp();
  v_tat    timestamptz;
  v_active integer;
  v_expiry timestamptz;
  v_start  timestamptz;
BEGIN
  IF p_interval_ms <= 0 OR p_burst < 1 OR p_max_concurrency < 1 OR p_lease_ttl_ms < 1 THEN
    RAISE EXCEPTION 'erp_limiter.try_acquire: limits must be positive';
  END IF;
  INSERT INTO erp_limiter.buckets (account_key, tat) VALUES (p_key, v_now) ON CONFLICT (account_key) DO NOTHING;
  SELECT b.tat INTO v_tat FROM erp_limiter.buckets b WHERE b.account_key = p_key FOR UPDATE;
  DELETE FROM erp_limiter.leases l WHERE l.account_key = p_key AND l.expires_at <= v_now;
  SELECT count(*), min(l.expires_at) INTO v_active, v_expiry FROM erp_limiter.leases l WHERE l.account_key = p_key;
  IF v_active >= p_max_concurrency THEN
    RETURN QUERY SELECT false, extract(epoch FROM v_expiry - v_now)::double precision * 1000;
    RETURN;
  END IF;
  v_start := greatest(v_now, v_tat - make_interval(secs => (p_burst - 1) * p_interval_ms / 1000));
  UPDATE erp_limiter.buckets b SET tat = greatest(v_tat, v_now) + make_interval(secs => p_interval_ms / 1000) WHERE b.account_key = p_key;
  INSERT INTO erp_limiter.leases (lease_id, account_key, expires_at)
    VALUES (p_lease, p_key, v_start + make_interval(secs => p_lease_ttl_ms / 1000.0));
  RETURN QUERY SELECT true, greatest(0, extract(epoch FROM v_start - v_now)::double precision * 1000);
END $$;

-- Holds every start of an account back until `p_hold_ms` from now: the ERP said "retry after",
-- and every instance should hear it, not only the one it answered.
CREATE FUNCTION erp_limiter.hold(p_key text, p_hold_ms double precision, p_interval_ms double precision, p_burst integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_until timestamptz := clock_timestamp() + make_interval(secs => (p_hold_ms + (p_burst - 1) * p_interval_ms) / 1000);
BEGIN
  INSERT INTO erp_limiter.buckets (account_key, tat) VALUES (p_key, v_until)
    ON CONFLICT (account_key) DO UPDATE SET tat = greatest(erp_limiter.buckets.tat, excluded.tat);
END $$;

-- Down Migration
DROP FUNCTION erp_limiter.hold(text, double precision, double precision, integer);
DROP FUNCTION erp_limiter.try_acquire(text, text, double precision, integer, integer, integer);
DROP TABLE erp_limiter.leases;
DROP TABLE erp_limiter.buckets;
