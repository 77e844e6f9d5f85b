import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { newId } from '../../platform/ids';
import type { EventDefinition } from '../../platform/events/catalog';
import { ConsumerRunner } from '../../platform/events/consumer';
import type { DeliveredEvent } from '../../platform/events/envelope';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { ReturnAuthorized, ReturnCanceled, ReturnInspected, ReturnItemsReceived } from '../../contracts/events/returns';
import { returnStockConsumer } from './consumers/return-stock';
import { accuracyReport } from './accuracy';
import { upsertLocations } from './locations';
import { adjustInventory, moveInventory, type AdjustInput, type MoveInput } from './adjustments';
import { principals } from '../../test/support/principals';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** A warehouse and two stores; only the fast store puts unopened returns straight back on sale. */
const WAREHOUSE = 'loc_wh_returns';
const STORE = 'loc_store_plain';
const FAST_STORE = 'loc_store_fast';

/** Attempts before an unprocessable event is dead-lettered; short delays keep the test fast. */
const TEST_BACKOFF = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 };
/** Longest the dead-letter test waits for the retries to run out. */
const SETTLE_TIMEOUT_MS = 5_000;

let database: TestDatabase;
let runner: ConsumerRunner;
let sourceSeq = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  await upsertLocations(database.db, [
    { id: WAREHOUSE, name: 'Returns Warehouse', kind: 'WAREHOUSE', city: 'Edison' },
    { id: STORE, name: 'Plain Store', kind: 'STORE', city: 'Boston' },
    { id: FAST_STORE, name: 'Fast Store', kind: 'STORE', city: 'Denver', unopened_returns_sellable: true },
  ]);
  runner = new ConsumerRunner(database.db, new InProcessBus(), { ...returnStockConsumer, backoff: TEST_BACKOFF });
});

afterAll(async () => {
  await database.drop();
});

/** One return being driven through its events: ids and the header every event repeats. */
function aReturn(sku: string, quantity: number) {
  const returnId = newId('ret');
  const returnLineId = newId('rli');
  let revision = 0;
  const header = (status: string, previousStatus: string | null) => ({
    returnId,
    orderId: newId('ord'),
    number: `RMA-${returnId.slice(-8)}`,
    status,
    previousStatus,
    revision: ++revision,
    channel: 'ECOMMERCE',
    storeId: null,
    customerId: 'cus_test',
    partnerId: null,
  });
  return {
    returnId,
    returnLineId,
    authorized: (destinationLocationId: string | null) =>
      delivered(ReturnAuthorized, returnId, {
        ...header('AUTHORIZED', 'REQUESTED'),
        destinationLocationId,
        refundMethod: 'ORIGINAL_PAYMENT',
        valueMinor: 2_000 * quantity,
        currency: 'USD',
        fraudOutcome: 'APPROVE',
        lines: [{ returnLineId, orderLineId: newId('oli'), sku, quantity, reason: 'TOO_SMALL', netValueMinor: 2_000 * quantity, restockingFeeMinor: 0 }],
      }),
    canceled: (destinationLocationId: string, outstandingQuantity: number) =>
      delivered(ReturnCanceled, returnId, {
        ...header('CANCELED', 'AUTHORIZED'),
        destinationLocationId,
        wasAuthorized: true,
        lines: [{ returnLineId, sku, outstandingQuantity }],
      }),
    received: (locationId: string, expectedAtLocationId: string | null, units: number, unopened?: boolean) =>
      delivered(ReturnItemsReceived, returnId, {
        ...header('RECEIVED', 'IN_TRANSIT'),
        locationId,
        expectedAtLocationId,
        fullyReceived: units === quantity,
        lines: [{ returnLineId, sku, quantity: units, ...(unopened === undefined ? {} : { unopened }) }],
      }),
    inspected: (locationId: string, dispositions: { disposition: string; quantity: number }[]) =>
      delivered(ReturnInspected, returnId, {
        ...header('INSPECTED', 'RECEIVED'),
        locationId,
        fullyInspected: true,
        lines: [{ returnLineId, sku, dispositions }],
      }),
  };
}

/** A delivery as a bus hands it over; the data is checked against the returns schema first. */
function delivered<T>(definition: EventDefinition<T>, aggregateId: string, data: unknown): DeliveredEvent {
  return {
    envelope: {
      id: newId('evt'),
      type: definition.type,
      version: definition.version,
      occurredAt: new Date().toISOString(),
      source: 'returns',
      correlationId: 'return-stock-test',
      causationId: null,
      aggregateId,
      data: definition.schema.parse(data),
    },
    sourceSeq: ++sourceSeq,
  };
}

/** Units of `sku` at `locationId` per state, zero states left out. */
async function stock(sku: string, locationId: string): Promise<Record<string, number>> {
  const { rows } = await database.db.query<{ state: string; quantity: number }>(
    `SELECT state, quantity FROM inventory.stock_balances WHERE sku = $1 AND location_id = $2 AND quantity <> 0`,
    [sku, locationId],
  );
  return Object.fromEntries(rows.map((row) => [row.state, row.quantity]));
}

/** Ledger rows of a SKU, oldest first, as `location from→to quantity reason`. */
async function ledger(sku: string): Promise<string[]> {
  const { rows } = await database.db.query<{ location_id: string; from_state: string | null; to_state: string | null; quantity: number; reason: string }>(
    `SELECT location_id, from_state, to_state, quantity, reason FROM inventory.movements WHERE sku = $1 ORDER BY occurred_at, id`,
    [sku],
  );
  return rows.map((row) => `${row.location_id} ${row.from_state ?? '-'}→${row.to_state ?? '-'} ${row.quantity} ${row.reason}`);
}

describe('return events to stock (inventory.return-stock consumer)', () => {
  it('puts the units of an authorized ship-back INCOMING at the destination', async () => {
    const ret = aReturn('SKU-RS-AUTH', 2);
    await runner.receive(ret.authorized(WAREHOUSE));
    expect(await stock('SKU-RS-AUTH', WAREHOUSE)).toEqual({ INCOMING: 2 });
    expect(await ledger('SKU-RS-AUTH')).toEqual([`${WAREHOUSE} -→INCOMING 2 RETURN_AUTHORIZED`]);
  });

  it('expects nothing for an authorized return without a destination (returned at a counter)', async () => {
    const ret = aReturn('SKU-RS-NODEST', 1);
    await runner.receive(ret.authorized(null));
    expect(await ledger('SKU-RS-NODEST')).toEqual([]);
  });

  it('removes the incoming units of a canceled return', async () => {
    const ret = aReturn('SKU-RS-CANCEL', 3);
    await runner.receive(ret.authorized(WAREHOUSE));
    await runner.receive(ret.canceled(WAREHOUSE, 3));
    expect(await stock('SKU-RS-CANCEL', WAREHOUSE)).toEqual({});
    expect(await ledger('SKU-RS-CANCEL')).toEqual([`${WAREHOUSE} -→INCOMING 3 RETURN_AUTHORIZED`, `${WAREHOUSE} INCOMING→- 3 RETURN_CANCELED`]);
  });

  it('moves units received where expected from INCOMING to PENDING_INSPECTION, never to SELLABLE', async () => {
    const ret = aReturn('SKU-RS-RECV', 2);
    await runner.receive(ret.authorized(WAREHOUSE));
    await runner.receive(ret.received(WAREHOUSE, WAREHOUSE, 2, true));
    expect(await stock('SKU-RS-RECV', WAREHOUSE)).toEqual({ PENDING_INSPECTION: 2 });
    expect(await ledger('SKU-RS-RECV')).toEqual([`${WAREHOUSE} -→INCOMING 2 RETURN_AUTHORIZED`, `${WAREHOUSE} INCOMING→PENDING_INSPECTION 2 RETURN_RECEIVED`]);
    // The return travels with the movements, so an ERP books the receipt against its return authorization.
    const { rows } = await database.db.query<{ reason: string; return_id: string | null }>(
      `SELECT data->>'reason' AS reason, data->>'returnId' AS return_id FROM inventory.outbox
        WHERE type = 'InventoryMoved' AND data->'movements'->0->>'sku' = 'SKU-RS-RECV' ORDER BY seq`,
    );
    expect(rows).toEqual([
      { reason: 'RETURN_AUTHORIZED', return_id: ret.returnId },
      { reason: 'RETURN_RECEIVED', return_id: ret.returnId },
    ]);
  });

  it('removes the incoming units at the warehouse when they are returned in a store instead', async () => {
    const ret = aReturn('SKU-RS-BORIS', 1);
    await runner.receive(ret.authorized(WAREHOUSE));
    await runner.receive(ret.received(STORE, WAREHOUSE, 1));
    expect(await stock('SKU-RS-BORIS', WAREHOUSE)).toEqual({});
    expect(await stock('SKU-RS-BORIS', STORE)).toEqual({ PENDING_INSPECTION: 1 });
  });

  it('puts unopened units straight on sale at a store that allows it, and queues them for inspection elsewhere', async () => {
    const fast = aReturn('SKU-RS-UNOPENED', 1);
    await runner.receive(fast.received(FAST_STORE, null, 1, true));
    expect(await stock('SKU-RS-UNOPENED', FAST_STORE)).toEqual({ SELLABLE: 1 });

    const plain = aReturn('SKU-RS-UNOPENED', 1);
    await runner.receive(plain.received(STORE, null, 1, true));
    expect(await stock('SKU-RS-UNOPENED', STORE)).toEqual({ PENDING_INSPECTION: 1 });

    const opened = aReturn('SKU-RS-UNOPENED', 1);
    await runner.receive(opened.received(FAST_STORE, null, 1, false));
    expect(await stock('SKU-RS-UNOPENED', FAST_STORE)).toEqual({ SELLABLE: 1, PENDING_INSPECTION: 1 });
  });

  it('moves inspected units to their disposition; SCRAP leaves stock but stays in the ledger', async () => {
    const [before] = await accuracyReport(database.db, [WAREHOUSE]);
    const ret = aReturn('SKU-RS-INSPECT', 6);
    await runner.receive(ret.authorized(WAREHOUSE));
    await runner.receive(ret.received(WAREHOUSE, WAREHOUSE, 6));
    await runner.receive(
      ret.inspected(WAREHOUSE, [
        { disposition: 'SELLABLE', quantity: 1 },
        { disposition: 'DAMAGED', quantity: 1 },
        { disposition: 'REFURBISH', quantity: 1 },
        { disposition: 'VENDOR_RETURN', quantity: 1 },
        { disposition: 'SCRAP', quantity: 2 },
      ]),
    );
    expect(await stock('SKU-RS-INSPECT', WAREHOUSE)).toEqual({ SELLABLE: 1, DAMAGED: 1, REFURBISH: 1, VENDOR_RETURN: 1 });
    expect(await ledger('SKU-RS-INSPECT')).toContain(`${WAREHOUSE} PENDING_INSPECTION→- 2 RETURN_INSPECTED`);
    const [after] = await accuracyReport(database.db, [WAREHOUSE]);
    expect((after?.scrapped ?? 0) - (before?.scrapped ?? 0)).toBe(2);
    expect(after?.mismatches).toEqual([]);
  });

  it('moves fast-tracked units out of SELLABLE when inspection finds them damaged', async () => {
    const ret = aReturn('SKU-RS-FASTDMG', 2);
    await runner.receive(ret.received(FAST_STORE, null, 2, true));
    await runner.receive(
      ret.inspected(FAST_STORE, [
        { disposition: 'SELLABLE', quantity: 1 },
        { disposition: 'DAMAGED', quantity: 1 },
      ]),
    );
    expect(await stock('SKU-RS-FASTDMG', FAST_STORE)).toEqual({ SELLABLE: 1, DAMAGED: 1 });
    expect(await ledger('SKU-RS-FASTDMG')).toEqual([`${FAST_STORE} -→SELLABLE 2 RETURN_RECEIVED`, `${FAST_STORE} SELLABLE→DAMAGED 1 RETURN_INSPECTED`]);
  });

  it('changes nothing more when the same event is delivered three times', async () => {
    const ret = aReturn('SKU-RS-REDELIVER', 2);
    const authorized = ret.authorized(WAREHOUSE);
    const received = ret.received(WAREHOUSE, WAREHOUSE, 2);
    const inspected = ret.inspected(WAREHOUSE, [{ disposition: 'SELLABLE', quantity: 2 }]);
    for (const event of [authorized, received, inspected]) {
      for (let i = 0; i < 3; i++) await runner.receive(event);
    }
    expect(await stock('SKU-RS-REDELIVER', WAREHOUSE)).toEqual({ SELLABLE: 2 });
    expect(await ledger('SKU-RS-REDELIVER')).toHaveLength(3);
    const { rows } = await database.db.query<{ n: number }>(
      `SELECT count(*)::int8 AS n FROM inventory.inbox WHERE consumer = 'inventory.return-stock' AND event_id = ANY($1)`,
      [[authorized.envelope.id, received.envelope.id, inspected.envelope.id]],
    );
    expect(rows[0]?.n).toBe(3);
  });

  it('refuses an inspection of units never received: dead-lettered after its attempts, balances untouched', async () => {
    const ret = aReturn('SKU-RS-GHOST', 2);
    await runner.receive(ret.authorized(WAREHOUSE));
    const before = await stock('SKU-RS-GHOST', WAREHOUSE);
    const inspection = ret.inspected(WAREHOUSE, [{ disposition: 'SELLABLE', quantity: 2 }]);
    await runner.receive(inspection);

    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let dead: { attempts: number; error: string } | undefined;
    while (!dead) {
      if (Date.now() > deadline) throw new Error('the inspection was not dead-lettered in time');
      await new Promise((resolve) => setTimeout(resolve, TEST_BACKOFF.maxDelayMs));
      await runner.retryDue();
      const { rows } = await database.db.query<{ attempts: number; error: string }>(
        `SELECT attempts, error FROM inventory.dead_letters WHERE consumer = 'inventory.return-stock' AND event_id = $1`,
        [inspection.envelope.id],
      );
      dead = rows[0];
    }
    expect(dead.attempts).toBe(TEST_BACKOFF.maxAttempts);
    expect(dead.error).toMatch(/only 0 were received/);
    expect(await stock('SKU-RS-GHOST', WAREHOUSE)).toEqual(before);
    expect(before).toEqual({ INCOMING: 2 });
    expect(await ledger('SKU-RS-GHOST')).toHaveLength(1);
    const { rows: negative } = await database.db.query(`SELECT 1 FROM inventory.stock_balances WHERE quantity < 0`);
    expect(negative).toHaveLength(0);
  });

  it('refuses by hand the units open returns hold, so the returns’ receipt and inspection still apply', async () => {
    const sku = 'SKU-RS-HELD';
    const ops = principals.operations();
    const adjust = (input: Omit<AdjustInput, 'sku' | 'locationId' | 'reason'>) =>
      writeTransaction(database.db, 'inventory', (tx) => adjustInventory(tx, ops, { sku, locationId: WAREHOUSE, reason: 'CYCLE_COUNT', ...input }));
    const move = (input: Omit<MoveInput, 'sku' | 'locationId' | 'reason'>) =>
      writeTransaction(database.db, 'inventory', (tx) => moveInventory(tx, ops, { sku, locationId: WAREHOUSE, reason: 'RECLASSIFY', ...input }));
    const ret = aReturn(sku, 2);
    await runner.receive(ret.authorized(WAREHOUSE));
    expect((await adjust({ state: 'INCOMING', delta: -1 })).userErrors.map((error) => error.code)).toEqual(['HELD_FOR_RETURNS']);
    // Units beyond what returns hold are anyone's to correct.
    expect((await adjust({ state: 'INCOMING', delta: 1 })).userErrors).toEqual([]);
    expect((await adjust({ state: 'INCOMING', delta: -1 })).userErrors).toEqual([]);
    await runner.receive(ret.received(WAREHOUSE, WAREHOUSE, 2));
    expect((await move({ fromState: 'PENDING_INSPECTION', toState: 'DAMAGED', quantity: 1 })).userErrors.map((error) => error.code)).toEqual([
      'HELD_FOR_RETURNS',
    ]);
    const inspection = ret.inspected(WAREHOUSE, [{ disposition: 'SELLABLE', quantity: 2 }]);
    await runner.receive(inspection);
    expect(await stock(sku, WAREHOUSE)).toEqual({ SELLABLE: 2 });
    const { rows } = await database.db.query(`SELECT 1 FROM inventory.inbox WHERE consumer = 'inventory.return-stock' AND event_id = $1`, [
      inspection.envelope.id,
    ]);
    expect(rows).toHaveLength(1);
  });

  it('keeps ledger and projection in agreement at every location', async () => {
    const report = await accuracyReport(database.db);
    expect(report.map((location) => location.locationId).sort()).toEqual([FAST_STORE, STORE, WAREHOUSE].sort());
    expect(report.flatMap((location) => location.mismatches)).toEqual([]);
  });
});
