import type { Queryable } from '../../../platform/db';
import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventData } from '../../../platform/events/catalog';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { on } from '../../../platform/events/handlers';
import { ReturnAuthorized, ReturnCanceled, ReturnInspected, ReturnItemsReceived } from '../../../contracts/events/returns';
import { applyMovements, type Movement } from '../ledger';
import type { StockState } from '../../../contracts/vocabulary';

type Authorized = EventData<typeof ReturnAuthorized>;
type Canceled = EventData<typeof ReturnCanceled>;
type Received = EventData<typeof ReturnItemsReceived>;
type Inspected = EventData<typeof ReturnInspected>;

/** The consumer's name, also the actor of the movements it writes. */
const NAME = 'inventory.return-stock';

/**
 * Turns the return process into stock movements, so every returned unit's state is known and
 * receipt is never availability:
 * - authorized → INCOMING at the destination;
 * - canceled → the units still expected are no longer incoming;
 * - received → PENDING_INSPECTION (from INCOMING where they were expected), or straight to
 *   SELLABLE for unopened units at a location that allows it;
 * - inspected → SELLABLE, DAMAGED, REFURBISH or VENDOR_RETURN; SCRAP writes them off.
 * Exactly once per event (inbox); a movement that would go below zero fails the event (retried,
 * then dead-lettered) rather than inventing stock.
 */
export const returnStockConsumer: ConsumerDefinition = {
  name: NAME,
  schema: 'inventory',
  handlers: [
    on(ReturnAuthorized, (tx, data, event) => authorized(tx, data, causeOf(event, 'RETURN_AUTHORIZED', data.returnId))),
    on(ReturnCanceled, (tx, data, event) => canceled(tx, data, causeOf(event, 'RETURN_CANCELED', data.returnId))),
    on(ReturnItemsReceived, (tx, data, event) => received(tx, data, causeOf(event, 'RETURN_RECEIVED', data.returnId))),
    on(ReturnInspected, (tx, data, event) => inspected(tx, data, causeOf(event, 'RETURN_INSPECTED', data.returnId))),
  ],
};

type Cause = { causeId: string; actor: string; reason: string; returnId?: string | null };

/** The movements' cause: the event, this consumer, why the units moved, and for which return. */
function causeOf(event: EventEnvelope, reason: string, returnId?: string | null): Cause {
  return { causeId: event.id, actor: NAME, reason, returnId };
}

async function ensureLocation(tx: Queryable, locationId: string): Promise<void> {
  const { rowCount } = await tx.query(`SELECT 1 FROM inventory.locations WHERE id = $1`, [locationId]);
  if (rowCount === 0) throw new Error(`Unknown location ${locationId}: sync it from the ERP before its returns arrive`);
}

async function authorized(tx: WriteTx, data: Authorized, cause: Cause): Promise<void> {
  const location = data.destinationLocationId;
  if (!location) return;
  await ensureLocation(tx, location);
  const movements: Movement[] = data.lines.map((line) => ({ sku: line.sku, locationId: location, from: null, to: 'INCOMING', quantity: line.quantity }));
  for (const line of data.lines) {
    await tx.query(
      `INSERT INTO inventory.return_units (return_line_id, location_id, sku, incoming) VALUES ($1, $2, $3, $4)
       ON CONFLICT (return_line_id, location_id) DO UPDATE SET incoming = inventory.return_units.incoming + EXCLUDED.incoming`,
      [line.returnLineId, location, line.sku, line.quantity],
    );
  }
  await applyMovements(tx, movements, cause);
}

async function canceled(tx: WriteTx, data: Canceled, cause: Cause): Promise<void> {
  const location = data.destinationLocationId;
  if (!location || !data.wasAuthorized) return;
  const movements: Movement[] = [];
  for (const line of data.lines) {
    const units = await takeUnits(tx, line.returnLineId, location, 'incoming', line.outstandingQuantity);
    if (units > 0) movements.push({ sku: line.sku, locationId: location, from: 'INCOMING', to: null, quantity: units });
  }
  if (movements.length > 0) await applyMovements(tx, movements, cause);
}

async function received(tx: WriteTx, data: Received, cause: Cause): Promise<void> {
  await ensureLocation(tx, data.locationId);
  const { rows } = await tx.query<{ unopened_returns_sellable: boolean }>(`SELECT unopened_returns_sellable FROM inventory.locations WHERE id = $1`, [
    data.locationId,
  ]);
  const fastTrack = rows[0]?.unopened_returns_sellable ?? false;
  const movements: Movement[] = [];
  for (const line of data.lines) {
    const target: StockState = fastTrack && line.unopened ? 'SELLABLE' : 'PENDING_INSPECTION';
    movements.push(...(await receiptMovements(tx, data, line, target)));
    await tx.query(
      `INSERT INTO inventory.return_units (return_line_id, location_id, sku, pending, fast_tracked) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (return_line_id, location_id) DO UPDATE SET pending = inventory.return_units.pending + EXCLUDED.pending,
         fast_tracked = inventory.return_units.fast_tracked + EXCLUDED.fast_tracked`,
      [line.returnLineId, data.locationId, line.sku, target === 'PENDING_INSPECTION' ? line.quantity : 0, target === 'SELLABLE' ? line.quantity : 0],
    );
  }
  await applyMovements(tx, movements, cause);
}

/** The movements of one received line: from INCOMING where it was expected, from nowhere for the rest. */
async function receiptMovements(tx: Queryable, data: Received, line: Received['lines'][number], target: StockState): Promise<Movement[]> {
  const movements: Movement[] = [];
  // Units expected here were INCOMING; units arriving somewhere else were expected elsewhere.
  const expectedAt = data.expectedAtLocationId;
  let fromIncoming = 0;
  if (expectedAt) {
    fromIncoming = await takeUnits(tx, line.returnLineId, expectedAt, 'incoming', line.quantity);
    if (fromIncoming > 0 && expectedAt !== data.locationId) {
      movements.push({ sku: line.sku, locationId: expectedAt, from: 'INCOMING', to: null, quantity: fromIncoming });
      fromIncoming = 0;
    }
  }
  if (fromIncoming > 0) movements.push({ sku: line.sku, locationId: data.locationId, from: 'INCOMING', to: target, quantity: fromIncoming });
  if (line.quantity - fromIncoming > 0)
    movements.push({ sku: line.sku, locationId: data.locationId, from: null, to: target, quantity: line.quantity - fromIncoming });
  return movements;
}

async function inspected(tx: WriteTx, data: Inspected, cause: Cause): Promise<void> {
  const movements: Movement[] = [];
  for (const line of data.lines) {
    for (const { disposition, quantity } of line.dispositions) {
      let left = quantity;
      // Units already put on sale unopened: a SELLABLE verdict needs no movement; another verdict moves them out of SELLABLE.
      const fast = await takeUnits(tx, line.returnLineId, data.locationId, 'fast_tracked', left);
      if (fast > 0 && disposition !== 'SELLABLE') movements.push(dispositionMove(line.sku, data.locationId, 'SELLABLE', disposition, fast));
      left -= fast;
      if (left > 0) {
        const pending = await takeUnits(tx, line.returnLineId, data.locationId, 'pending', left);
        if (pending < left)
          throw new Error(`Return line ${line.returnLineId}: ${left} unit(s) inspected at ${data.locationId} but only ${pending} were received there`);
        movements.push(dispositionMove(line.sku, data.locationId, 'PENDING_INSPECTION', disposition, pending));
      }
    }
  }
  if (movements.length > 0) await applyMovements(tx, movements, cause);
}

function dispositionMove(sku: string, locationId: string, from: StockState, disposition: string, quantity: number): Movement {
  // SCRAP leaves stock; the ledger keeps the movement.
  const to = disposition === 'SCRAP' ? null : (disposition as StockState);
  return { sku, locationId, from, to, quantity };
}

/** The return-unit counter that holds a stock state's units for open returns, if any. */
const HELD_COLUMN: Partial<Record<StockState, 'incoming' | 'pending'>> = { INCOMING: 'incoming', PENDING_INSPECTION: 'pending' };

/**
 * Units of a SKU in `state` at a location that open returns still hold (expected, or waiting for
 * inspection): this consumer moves them when the return's next event arrives, so a manual change
 * that took them would make that event fail. 0 for states no return holds.
 */
export async function unitsHeldForReturns(tx: Queryable, sku: string, locationId: string, state: StockState): Promise<number> {
  const column = HELD_COLUMN[state];
  if (!column) return 0;
  const { rows } = await tx.query<{ held: number }>(
    `SELECT coalesce(sum(${column}), 0)::int8 AS held FROM inventory.return_units WHERE sku = $1 AND location_id = $2`,
    [sku, locationId],
  );
  return Number(rows[0]?.held ?? 0);
}

/** Takes up to `wanted` units from a return line's counter at a location; returns how many it took. */
async function takeUnits(
  tx: Queryable,
  returnLineId: string,
  locationId: string,
  column: 'incoming' | 'pending' | 'fast_tracked',
  wanted: number,
): Promise<number> {
  if (wanted <= 0) return 0;
  const { rows } = await tx.query<{ available: number }>(
    `SELECT ${column} AS available FROM inventory.return_units WHERE return_line_id = $1 AND location_id = $2 FOR UPDATE`,
    [returnLineId, locationId],
  );
  const taken = Math.min(rows[0]?.available ?? 0, wanted);
  if (taken > 0) {
    await tx.query(`UPDATE inventory.return_units SET ${column} = ${column} - $3 WHERE return_line_id = $1 AND location_id = $2`, [
      returnLineId,
      locationId,
      taken,
    ]);
  }
  return taken;
}
