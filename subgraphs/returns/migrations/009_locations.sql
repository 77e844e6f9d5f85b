-- Up Migration

-- The locations inventory holds stock at, as inventory announces them (LocationRegistered,
-- LocationUpdated). Returns takes, receives and inspects returns only at these, so nothing it
-- accepts is refused by inventory later. Written only by the returns.locations consumer.
CREATE TABLE returns.locations (
  id             text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 200),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind           text NOT NULL CHECK (kind IN ('STORE', 'WAREHOUSE')),
  city           text,
  -- The announcement this row reflects: an older one arriving late (a republish) never overwrites it.
  last_event_id  text NOT NULL,
  last_event_at  timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Down Migration
DROP TABLE returns.locations;
