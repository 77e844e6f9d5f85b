import type { Queryable } from '../../../platform/db';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';

/**
 * Where returns may happen, checked against what inventory announced (`returns.locations`, fed by
 * its LocationRegistered / LocationUpdated events) and against where the units are. Inventory books
 * every receipt and inspection at a location and refuses (dead-letters) an unknown location or
 * units inspected where they were not received; returns refuses the same commands first, with a
 * userError the caller can act on.
 */

/** Longest location id inventory accepts; anything longer (or with control characters) is unknown without asking SQL. */
const MAX_LOCATION_ID_LENGTH = 200;
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** True when inventory has announced this location. */
export async function isKnownLocation(db: Queryable, locationId: string): Promise<boolean> {
  if (locationId.length === 0 || locationId.length > MAX_LOCATION_ID_LENGTH || CONTROL_CHARACTERS.test(locationId)) return false;
  const { rowCount } = await db.query(`SELECT 1 FROM returns.locations WHERE id = $1`, [locationId]);
  return rowCount > 0;
}

/** UNKNOWN_LOCATION for `field` when inventory does not know `locationId`, else null. */
export async function unknownLocation(db: Queryable, locationId: string, field: (string | number)[]): Promise<UserError | null> {
  return (await isKnownLocation(db, locationId)) ? null : userError(ReturnErrorCode.UNKNOWN_LOCATION, field, ReturnMessages.unknownLocation(locationId));
}

/** The places a new return names: the store taking it, and where its units are to be received. */
export interface ReturnPlaces {
  storeId: string | null;
  /** As the caller gave it. */
  destinationLocationId: string | null;
  /** The configured default destination, when neither the caller nor the counter gave one. */
  defaultDestination: string | null;
}

/** UNKNOWN_LOCATION for each place of a new return that inventory does not know. */
export async function unknownPlaces(db: Queryable, places: ReturnPlaces): Promise<UserError[]> {
  const errors: UserError[] = [];
  if (places.storeId) {
    const error = await unknownLocation(db, places.storeId, ['input', 'storeId']);
    if (error) errors.push(error);
  }
  if (places.destinationLocationId) {
    const error = await unknownLocation(db, places.destinationLocationId, ['input', 'destinationLocationId']);
    if (error) errors.push(error);
  } else if (places.defaultDestination && !(await isKnownLocation(db, places.defaultDestination))) {
    // Not the caller's input: a setting (or inventory) is behind; no field to point at.
    errors.push(userError(ReturnErrorCode.UNKNOWN_LOCATION, null, ReturnMessages.unknownDefaultLocation(places.defaultDestination)));
  }
  return errors;
}

/**
 * Units of each line of a return received at `locationId` and not yet inspected there, by return
 * line id: what inventory holds for the line at that location, waiting for a disposition.
 */
export async function waitingAt(db: Queryable, returnId: string, locationId: string): Promise<Map<string, number>> {
  const { rows } = await db.query<{ id: string; waiting: number }>(
    `SELECT l.id,
            (coalesce((SELECT sum((e.line->>'quantity')::int) FROM returns.return_receipts r, jsonb_array_elements(r.lines) AS e(line)
                        WHERE r.return_id = l.return_id AND r.location_id = $2 AND e.line->>'returnLineId' = l.id), 0)
             - coalesce((SELECT sum(d.quantity) FROM returns.return_line_dispositions d WHERE d.return_line_id = l.id AND d.location_id = $2), 0))::int8 AS waiting
       FROM returns.return_lines l WHERE l.return_id = $1`,
    [returnId, locationId],
  );
  return new Map(rows.map((row) => [row.id, Number(row.waiting)]));
}
