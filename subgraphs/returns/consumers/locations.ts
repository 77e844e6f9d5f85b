import type { Queryable } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { on } from '../../../platform/events/handlers';
import { LocationRegistered, LocationUpdated, type LocationAnnouncedData } from '../../../contracts/events/inventory';

/**
 * Keeps `returns.locations` in step with inventory's locations from `LocationRegistered` and
 * `LocationUpdated`, so returns refuses a return taken, received or inspected where inventory could
 * not book the units (instead of inventory dead-lettering the event later). Idempotent by the
 * inbox; an announcement older than the row (a republish after a bus loss) changes nothing.
 */
export const locationsConsumer: ConsumerDefinition = {
  name: 'returns.locations',
  schema: 'returns',
  handlers: [on(LocationRegistered, upsertLocation), on(LocationUpdated, upsertLocation)],
};

/** Inserts or refreshes the location, unless the row already holds a newer announcement. */
async function upsertLocation(tx: Queryable, location: LocationAnnouncedData, event: EventEnvelope): Promise<void> {
  await tx.query(
    `INSERT INTO returns.locations AS l (id, name, kind, city, last_event_id, last_event_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, city = EXCLUDED.city,
       last_event_id = EXCLUDED.last_event_id, last_event_at = EXCLUDED.last_event_at, updated_at = now()
     WHERE l.last_event_at <= EXCLUDED.last_event_at`,
    [location.locationId, location.name, location.kind, location.city, event.id, event.occurredAt],
  );
}
