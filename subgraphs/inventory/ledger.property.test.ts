import fc from 'fast-check';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { accuracyReport } from './accuracy';
import { applyMovements, InsufficientStockError, type Movement } from './ledger';
import { upsertLocations } from './locations';
import type { StockState } from '../../contracts/vocabulary';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** Runs per property: each is tens of transactions on real PostgreSQL, so a few dozen stay fast. */
const NUM_RUNS = 20;
/** Batches per run: long enough to build stock up and drain it again. */
const MIN_BATCHES = 5;
const MAX_BATCHES = 25;
/** Small quantities against small balances, so departures often find too little stock. */
const MAX_UNITS = 5;

const LOCATIONS = ['loc_prop_store', 'loc_prop_wh'] as const;
const STATES: readonly StockState[] = ['INCOMING', 'PENDING_INSPECTION', 'SELLABLE', 'RESERVED', 'DAMAGED', 'REFURBISH', 'VENDOR_RETURN'];
/** Arrivals land in these states only, so stock concentrates where moves and departures look for it. */
const ARRIVAL_STATES: readonly StockState[] = ['INCOMING', 'PENDING_INSPECTION', 'SELLABLE'];

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await upsertLocations(database.db, [
    { id: LOCATIONS[0], name: 'Property Store', kind: 'STORE', city: null },
    { id: LOCATIONS[1], name: 'Property Warehouse', kind: 'WAREHOUSE', city: null },
  ]);
});

afterAll(async () => {
  await database.drop();
});

/**
 * One movement: an arrival (from null), a move between two states, or a departure (to null).
 * Arrivals are weighted up and bring more units, so stock builds up and most moves can apply,
 * while moves and departures of up to MAX_UNITS still often find too little.
 */
const movementArb = (skus: readonly string[]) => {
  const where = { sku: fc.constantFrom(...skus), locationId: fc.constantFrom(...LOCATIONS) };
  const state = fc.constantFrom(...STATES);
  const units = fc.integer({ min: 1, max: MAX_UNITS });
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({ ...where, from: fc.constant(null), to: fc.constantFrom(...ARRIVAL_STATES), quantity: fc.integer({ min: 1, max: 2 * MAX_UNITS }) }),
    },
    { weight: 3, arbitrary: fc.record({ ...where, from: state, to: state, quantity: units }).filter((m) => m.from !== m.to) },
    { weight: 1, arbitrary: fc.record({ ...where, from: state, to: fc.constant(null), quantity: units }) },
  ) as fc.Arbitrary<Movement>;
};

/** A batch is one transaction: one movement mostly, sometimes two or three that stand or fall together. */
const batchesArb = (skus: readonly string[]) =>
  fc.array(fc.array(movementArb(skus), { minLength: 1, maxLength: 3 }), { minLength: MIN_BATCHES, maxLength: MAX_BATCHES });

const keyOf = (sku: string, locationId: string, state: StockState) => `${sku}|${locationId}|${state}`;

/** The model: folds a batch into a copy of the balances, or says it must be refused. */
function foldBatch(model: ReadonlyMap<string, number>, batch: readonly Movement[]): Map<string, number> | 'refused' {
  const next = new Map(model);
  for (const movement of batch) {
    if (movement.from) {
      const key = keyOf(movement.sku, movement.locationId, movement.from);
      const have = next.get(key) ?? 0;
      if (have < movement.quantity) return 'refused';
      next.set(key, have - movement.quantity);
    }
    if (movement.to) {
      const key = keyOf(movement.sku, movement.locationId, movement.to);
      next.set(key, (next.get(key) ?? 0) + movement.quantity);
    }
  }
  return next;
}

let run = 0;

describe('the stock ledger under random movements', () => {
  it('keeps projection, ledger and a folded model equal, never negative, refusing what lacks stock', async () => {
    let refusals = 0;
    let applied = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }).chain((count) => {
          // Fresh SKUs per run: each run starts from zero without cleaning the append-only ledger.
          const skus = Array.from({ length: count }, (_, i) => `SKU-PROP-${++run}-${i}`);
          return fc.tuple(fc.constant(skus), batchesArb(skus));
        }),
        async ([skus, batches]) => {
          let model = new Map<string, number>();
          // Every applied batch writes one InventoryMoved per location it touches; a refused one none.
          let expectedEvents = 0;
          for (const [index, batch] of batches.entries()) {
            const expected = foldBatch(model, batch);
            const attempt = writeTransaction(database.db, 'inventory', (tx) =>
              applyMovements(tx, batch, { causeId: `prop:${skus[0]}:${index}`, reason: 'PROPERTY', actor: 'fast-check' }),
            );
            if (expected === 'refused') {
              await expect(attempt).rejects.toBeInstanceOf(InsufficientStockError);
              refusals++;
            } else {
              await expect(attempt).resolves.toHaveLength(batch.length);
              model = expected;
              applied++;
              expectedEvents += new Set(batch.map((movement) => movement.locationId)).size;
            }
          }

          const { rows } = await database.db.query<{ sku: string; location_id: string; state: StockState; quantity: number }>(
            `SELECT sku, location_id, state, quantity FROM inventory.stock_balances WHERE sku = ANY($1)`,
            [skus],
          );
          expect(rows.every((row) => row.quantity >= 0)).toBe(true);
          const projected = new Map(rows.filter((row) => row.quantity !== 0).map((row) => [keyOf(row.sku, row.location_id, row.state), row.quantity]));
          const folded = new Map([...model].filter(([, quantity]) => quantity !== 0));
          expect(projected).toEqual(folded);

          const report = await accuracyReport(database.db, LOCATIONS);
          expect(report.flatMap((location) => location.mismatches)).toEqual([]);
          const { rows: events } = await database.db.query<{ n: number }>(
            `SELECT count(*)::int8 AS n FROM inventory.outbox WHERE type = 'InventoryMoved' AND data->>'causeId' LIKE $1`,
            [`prop:${skus[0]}:%`],
          );
          expect(events[0]?.n).toBe(expectedEvents);
        },
      ),
      { numRuns: NUM_RUNS },
    );
    // The generator must exercise both sides of the rule, or the property proves little.
    expect(refusals).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(0);
  });
});
