-- Up Migration

-- Inventory announces its locations (LocationRegistered, LocationUpdated) so other subgraphs can
-- check commands against them; locations that existed before it did are announced here, once, as
-- registerLocations announces new ones. Event ids are made the way platform/ids.ts makes them:
-- `evt_` + 48 bits of milliseconds and 80 random bits, in Crockford base32.
INSERT INTO inventory.outbox (id, type, version, source, aggregate_id, correlation_id, data)
SELECT 'evt_'
       || (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', (((now_ms.v >> (5 * (9 - i))) & 31) + 1)::int, 1), '' ORDER BY i)
             FROM generate_series(0, 9) AS i)
       -- Referencing the row makes PostgreSQL draw fresh random characters for every location.
       || (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', 1 + floor(random() * 32)::int, 1), '' ORDER BY j)
             FROM generate_series(1, 16) AS j WHERE l.id IS NOT NULL),
       'LocationRegistered', 1, 'inventory', l.id, 'migration:010_announce_locations',
       jsonb_build_object('locationId', l.id, 'name', l.name, 'kind', l.kind, 'city', l.city, 'unopenedReturnsSellable', l.unopened_returns_sellable)
  FROM inventory.locations l
 CROSS JOIN (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS v) AS now_ms
 ORDER BY l.id;

-- Down Migration
-- Published announcements cannot be taken back; only those still waiting for the relay are withdrawn.
DELETE FROM inventory.outbox WHERE correlation_id = 'migration:010_announce_locations' AND published_at IS NULL;
