import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { subgraphRequest, testInternalTokens, type GraphQLResponse } from '../../test/support/subgraph-client';
import { principals } from '../../test/support/principals';
import type { Principal } from '../../platform/auth';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { ConsumerRunner } from '../../platform/events/consumer';
import type { DeliveredEvent } from '../../platform/events/envelope';
import { InProcessBus } from '../../platform/events/in-process-bus';
import { ENVELOPE_COLUMNS, envelopeOf, type OutboxEventRow } from '../../platform/events/outbox';
import { ReferenceErp } from '../../connectors/erp/reference/reference-erp';
import { testSubgraph } from '../../test/support/subgraphs';
import { applyMovements } from './ledger';
import { erpSyncConsumer } from './consumers/erp-sync';
import { StockMovementPoster } from './erp-posting/stock-movement-poster';
import { upsertLocations } from './locations';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** The manager's store, another store, and a warehouse only operations may touch. */
const STORE_A = 'loc_store_adj_a';
const STORE_B = 'loc_store_adj_b';
const WAREHOUSE = 'loc_wh_adj';
/** Concurrent writers in the race tests: more than the pool's connections, so requests queue. */
const RACERS = 20;

let database: TestDatabase;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  database = await createTestDatabase();
  // No pipeline: outbox rows stay unpublished, so the events a mutation wrote can be read back.
  subgraph = await startSubgraph(testSubgraph('inventory', database.db), { db: database.db, internalTokens: testInternalTokens, port: 0 });
  await upsertLocations(database.db, [
    { id: STORE_A, name: 'Store A', kind: 'STORE', city: 'Boston' },
    { id: STORE_B, name: 'Store B', kind: 'STORE', city: 'Denver' },
    { id: WAREHOUSE, name: 'Warehouse', kind: 'WAREHOUSE', city: 'Edison' },
  ]);
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

const managerA = (): Principal => principals.storeManager(STORE_A);

const PAYLOAD = `stockLevel { sku location { id } quantities { state quantity } }
  movements { id fromState toState quantity reason causeId actor }
  userErrors { code field message }`;
const ADJUST = `mutation($input: AdjustInventoryInput!, $key: String!) { adjustInventory(input: $input, idempotencyKey: $key) { ${PAYLOAD} } }`;
const MOVE = `mutation($input: MoveInventoryInput!, $key: String!) { moveInventory(input: $input, idempotencyKey: $key) { ${PAYLOAD} } }`;

interface Payload {
  stockLevel: { sku: string; location: { id: string }; quantities: { state: string; quantity: number }[] } | null;
  movements: { id: string; fromState: string | null; toState: string | null; quantity: number; reason: string; causeId: string; actor: string }[];
  userErrors: { code: string; field: string[] | null; message: string }[];
}

async function adjust(
  principal: Principal,
  input: Record<string, unknown>,
  key = `adj-${randomUUID()}`,
): Promise<GraphQLResponse<{ adjustInventory: Payload }>> {
  return subgraphRequest(subgraph.url, principal, ADJUST, { input, key });
}

async function move(principal: Principal, input: Record<string, unknown>, key = `mov-${randomUUID()}`): Promise<GraphQLResponse<{ moveInventory: Payload }>> {
  return subgraphRequest(subgraph.url, principal, MOVE, { input, key });
}

/** Puts opening stock in place the way the demo seed does: through the ledger. */
async function opening(sku: string, locationId: string, state: 'SELLABLE' | 'REFURBISH' | 'VENDOR_RETURN', quantity: number): Promise<void> {
  await writeTransaction(database.db, 'inventory', (tx) =>
    applyMovements(tx, [{ sku, locationId, from: null, to: state, quantity }], { causeId: `opening:${sku}`, reason: 'OPENING_BALANCE', actor: 'test' }),
  );
}

async function balance(sku: string, locationId: string, state = 'SELLABLE'): Promise<number> {
  const { rows } = await database.db.query<{ quantity: number }>(
    `SELECT quantity FROM inventory.stock_balances WHERE sku = $1 AND location_id = $2 AND state = $3`,
    [sku, locationId, state],
  );
  return rows[0]?.quantity ?? 0;
}

/** What a refused mutation must not have written for a SKU: movements, audit rows, outbox events, balances. */
async function footprint(sku: string): Promise<{ movements: number; audits: number; events: number; balances: string }> {
  const { rows } = await database.db.query<{ movements: number; audits: number; events: number; balances: string | null }>(
    `SELECT (SELECT count(*) FROM inventory.movements WHERE sku = $1)::int8 AS movements,
            (SELECT count(*) FROM inventory.audit_log WHERE target LIKE $1 || '@%')::int8 AS audits,
            (SELECT count(*) FROM inventory.outbox WHERE data->'movements' @> jsonb_build_array(jsonb_build_object('sku', $1::text)))::int8 AS events,
            (SELECT string_agg(location_id || ':' || state || '=' || quantity, ',' ORDER BY location_id, state) FROM inventory.stock_balances WHERE sku = $1) AS balances`,
    [sku],
  );
  const row = rows[0];
  return { movements: row?.movements ?? 0, audits: row?.audits ?? 0, events: row?.events ?? 0, balances: row?.balances ?? '' };
}

const quantityOf = (payload: Payload | undefined, state: string) => payload?.stockLevel?.quantities.find((q) => q.state === state)?.quantity;

describe('adjustInventory and moveInventory', () => {
  it('adjusts a balance up and down with a ledger movement and an audit row each', async () => {
    const up = await adjust(managerA(), { sku: 'SKU-ADJ-1', locationId: STORE_A, delta: 5, reason: 'FOUND', note: 'back room' });
    expect(up.errors).toBeUndefined();
    expect(up.data?.adjustInventory.userErrors).toEqual([]);
    expect(quantityOf(up.data?.adjustInventory, 'SELLABLE')).toBe(5);
    expect(up.data?.adjustInventory.movements).toEqual([
      expect.objectContaining({ fromState: null, toState: 'SELLABLE', quantity: 5, reason: 'FOUND', actor: 'user:manager' }),
    ]);

    const down = await adjust(managerA(), { sku: 'SKU-ADJ-1', locationId: STORE_A, delta: -3, reason: 'LOST' });
    expect(quantityOf(down.data?.adjustInventory, 'SELLABLE')).toBe(2);
    expect(down.data?.adjustInventory.movements).toEqual([expect.objectContaining({ fromState: 'SELLABLE', toState: null, quantity: 3, reason: 'LOST' })]);

    const { rows: audit } = await database.db.query<{ actor: string; action: string; details: { before: number; note: string | null; reason: string } }>(
      `SELECT actor, action, details FROM inventory.audit_log WHERE target = $1 ORDER BY id`,
      [`SKU-ADJ-1@${STORE_A}`],
    );
    expect(audit.map((row) => [row.actor, row.action, row.details.reason, row.details.before, row.details.note])).toEqual([
      ['user:manager', 'adjustInventory', 'FOUND', 0, 'back room'],
      ['user:manager', 'adjustInventory', 'LOST', 5, null],
    ]);
  });

  it('refuses to take a balance below zero and writes nothing: no movement, no audit row, no event', async () => {
    await opening('SKU-ADJ-NEG', STORE_A, 'SELLABLE', 2);
    const before = await footprint('SKU-ADJ-NEG');
    expect(before).toMatchObject({ movements: 1, audits: 0, events: 1 });
    const response = await adjust(managerA(), { sku: 'SKU-ADJ-NEG', locationId: STORE_A, delta: -3, reason: 'THEFT' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.adjustInventory).toMatchObject({
      stockLevel: null,
      movements: [],
      userErrors: [{ code: 'INSUFFICIENT_STOCK', field: ['input', 'quantity'] }],
    });
    expect(await footprint('SKU-ADJ-NEG')).toEqual(before);
    expect(await balance('SKU-ADJ-NEG', STORE_A)).toBe(2);
  });

  it('moves repaired units from REFURBISH to SELLABLE and ships VENDOR_RETURN units out of stock', async () => {
    await opening('SKU-ADJ-MOVE', WAREHOUSE, 'REFURBISH', 3);
    await opening('SKU-ADJ-MOVE', WAREHOUSE, 'VENDOR_RETURN', 2);
    const repaired = await move(principals.operations(), {
      sku: 'SKU-ADJ-MOVE',
      locationId: WAREHOUSE,
      fromState: 'REFURBISH',
      toState: 'SELLABLE',
      quantity: 2,
      reason: 'REPAIRED',
    });
    expect(repaired.data?.moveInventory.userErrors).toEqual([]);
    expect(quantityOf(repaired.data?.moveInventory, 'REFURBISH')).toBe(1);
    expect(quantityOf(repaired.data?.moveInventory, 'SELLABLE')).toBe(2);

    const shipped = await move(principals.operations(), {
      sku: 'SKU-ADJ-MOVE',
      locationId: WAREHOUSE,
      fromState: 'VENDOR_RETURN',
      quantity: 2,
      reason: 'SHIPPED_TO_VENDOR',
    });
    expect(shipped.data?.moveInventory.userErrors).toEqual([]);
    expect(shipped.data?.moveInventory.movements).toEqual([expect.objectContaining({ fromState: 'VENDOR_RETURN', toState: null, quantity: 2 })]);
    expect(quantityOf(shipped.data?.moveInventory, 'VENDOR_RETURN')).toBe(0);

    const tooMany = await move(principals.operations(), {
      sku: 'SKU-ADJ-MOVE',
      locationId: WAREHOUSE,
      fromState: 'REFURBISH',
      toState: 'SELLABLE',
      quantity: 2,
      reason: 'REPAIRED',
    });
    expect(tooMany.data?.moveInventory.userErrors.map((e) => e.code)).toEqual(['INSUFFICIENT_STOCK']);
    expect(await balance('SKU-ADJ-MOVE', WAREHOUSE, 'REFURBISH')).toBe(1);
  });

  it('applies a write whose expectedQuantity is right and refuses a stale one with QUANTITY_CHANGED', async () => {
    await opening('SKU-ADJ-CAS', STORE_A, 'SELLABLE', 4);
    const right = await adjust(managerA(), { sku: 'SKU-ADJ-CAS', locationId: STORE_A, delta: -1, reason: 'CYCLE_COUNT', expectedQuantity: 4 });
    expect(right.data?.adjustInventory.userErrors).toEqual([]);
    const before = await footprint('SKU-ADJ-CAS');
    const stale = await adjust(managerA(), { sku: 'SKU-ADJ-CAS', locationId: STORE_A, delta: -1, reason: 'CYCLE_COUNT', expectedQuantity: 4 });
    expect(stale.data?.adjustInventory.userErrors).toEqual([expect.objectContaining({ code: 'QUANTITY_CHANGED', field: ['input', 'expectedQuantity'] })]);
    expect(await footprint('SKU-ADJ-CAS')).toEqual(before);
    expect(await balance('SKU-ADJ-CAS', STORE_A)).toBe(3);
  });

  it(`applies ${RACERS} concurrent +1 adjustments without losing an update`, async () => {
    await opening('SKU-ADJ-RACE', STORE_A, 'SELLABLE', 7);
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () => adjust(managerA(), { sku: 'SKU-ADJ-RACE', locationId: STORE_A, delta: 1, reason: 'FOUND' })),
    );
    expect(responses.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(responses.flatMap((r) => r.data?.adjustInventory.userErrors ?? [])).toEqual([]);
    expect(await balance('SKU-ADJ-RACE', STORE_A)).toBe(7 + RACERS);
    expect((await footprint('SKU-ADJ-RACE')).movements).toBe(1 + RACERS);
  });

  it(`lets exactly one of ${RACERS} concurrent writes with the same expectedQuantity apply`, async () => {
    await opening('SKU-ADJ-CASRACE', STORE_A, 'SELLABLE', 10);
    const responses = await Promise.all(
      Array.from({ length: RACERS }, () =>
        adjust(managerA(), { sku: 'SKU-ADJ-CASRACE', locationId: STORE_A, delta: -1, reason: 'CYCLE_COUNT', expectedQuantity: 10 }),
      ),
    );
    const codes = responses.map((r) => r.data?.adjustInventory.userErrors[0]?.code ?? 'APPLIED');
    expect(codes.filter((code) => code === 'APPLIED')).toHaveLength(1);
    expect(codes.filter((code) => code === 'QUANTITY_CHANGED')).toHaveLength(RACERS - 1);
    expect(await balance('SKU-ADJ-CASRACE', STORE_A)).toBe(9);
  });

  it(`applies ${RACERS} concurrent moves in opposite directions between two states without a deadlock`, async () => {
    await opening('SKU-ADJ-SWAP', STORE_A, 'SELLABLE', RACERS);
    await opening('SKU-ADJ-SWAP', STORE_A, 'REFURBISH', RACERS);
    const responses = await Promise.all(
      Array.from({ length: RACERS }, (_, i) =>
        move(managerA(), {
          sku: 'SKU-ADJ-SWAP',
          locationId: STORE_A,
          fromState: i % 2 ? 'SELLABLE' : 'REFURBISH',
          toState: i % 2 ? 'REFURBISH' : 'SELLABLE',
          quantity: 1,
          reason: 'RECLASSIFIED',
        }),
      ),
    );
    expect(responses.flatMap((r) => r.errors ?? [])).toEqual([]);
    expect(responses.flatMap((r) => r.data?.moveInventory.userErrors ?? [])).toEqual([]);
    expect(await balance('SKU-ADJ-SWAP', STORE_A, 'SELLABLE')).toBe(RACERS);
    expect(await balance('SKU-ADJ-SWAP', STORE_A, 'REFURBISH')).toBe(RACERS);
  });

  it('replays a repeated idempotency key without a second change and refuses the key with other input', async () => {
    const key = `replay-${randomUUID()}`;
    const input = { sku: 'SKU-ADJ-IDEM', locationId: STORE_A, delta: 4, reason: 'FOUND' };
    const first = await adjust(managerA(), input, key);
    const second = await adjust(managerA(), input, key);
    expect(second.data?.adjustInventory.movements.map((m) => m.id)).toEqual(first.data?.adjustInventory.movements.map((m) => m.id));
    expect(await balance('SKU-ADJ-IDEM', STORE_A)).toBe(4);
    expect((await footprint('SKU-ADJ-IDEM')).audits).toBe(1);
    const other = await adjust(managerA(), { ...input, delta: 5 }, key);
    expect(other.data?.adjustInventory.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_PARAMETER_MISMATCH']);
    expect(await balance('SKU-ADJ-IDEM', STORE_A)).toBe(4);
  });

  it('refuses customers, associates and managers of another store with FORBIDDEN and changes nothing', async () => {
    await opening('SKU-ADJ-AUTH', STORE_A, 'SELLABLE', 3);
    const before = await footprint('SKU-ADJ-AUTH');
    for (const principal of [
      principals.customer(),
      principals.storeAssociate(STORE_A),
      principals.storeManager(STORE_B),
      principals.finance(),
      principals.partner(),
    ]) {
      const adjusted = await adjust(principal, { sku: 'SKU-ADJ-AUTH', locationId: STORE_A, delta: -1, reason: 'LOST' });
      expect(adjusted.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const moved = await move(principal, {
        sku: 'SKU-ADJ-AUTH',
        locationId: STORE_A,
        fromState: 'SELLABLE',
        toState: 'DAMAGED',
        quantity: 1,
        reason: 'RECLASSIFIED',
      });
      expect(moved.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const warehouse = await adjust(managerA(), { sku: 'SKU-ADJ-AUTH', locationId: WAREHOUSE, delta: 1, reason: 'FOUND' });
    expect(warehouse.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await footprint('SKU-ADJ-AUTH')).toEqual(before);
  });

  it('lets the manager of the store and operations change stock', async () => {
    const manager = await adjust(managerA(), { sku: 'SKU-ADJ-OK', locationId: STORE_A, delta: 2, reason: 'FOUND' });
    expect(manager.data?.adjustInventory.userErrors).toEqual([]);
    const operations = await move(principals.operations(), {
      sku: 'SKU-ADJ-OK',
      locationId: STORE_A,
      fromState: 'SELLABLE',
      toState: 'DAMAGED',
      quantity: 1,
      reason: 'RECLASSIFIED',
    });
    expect(operations.data?.moveInventory.userErrors).toEqual([]);
    expect(quantityOf(operations.data?.moveInventory, 'DAMAGED')).toBe(1);
    const { rows } = await database.db.query<{ actor: string; action: string }>(`SELECT actor, action FROM inventory.audit_log WHERE target = $1 ORDER BY id`, [
      `SKU-ADJ-OK@${STORE_A}`,
    ]);
    expect(rows).toEqual([
      { actor: 'user:manager', action: 'adjustInventory' },
      { actor: 'user:ops', action: 'moveInventory' },
    ]);
  });

  it('refuses an unknown location and a zero delta as userErrors', async () => {
    const unknown = await adjust(principals.operations(), { sku: 'SKU-ADJ-X', locationId: 'loc_nowhere', delta: 1, reason: 'FOUND' });
    expect(unknown.data?.adjustInventory.userErrors.map((e) => e.code)).toEqual(['UNKNOWN_LOCATION']);
    const zero = await adjust(principals.operations(), { sku: 'SKU-ADJ-X', locationId: WAREHOUSE, delta: 0, reason: 'FOUND' });
    expect(zero.data?.adjustInventory.userErrors.map((e) => e.code)).toEqual(['INVALID_QUANTITY']);
    expect((await footprint('SKU-ADJ-X')).movements).toBe(0);
  });
});

describe('InventoryMoved to the ERP', () => {
  it('appends InventoryMoved to the outbox, the ERP consumer queues it once and the poster posts each movement once', async () => {
    const response = await adjust(principals.operations(), { sku: 'SKU-ADJ-ERP', locationId: WAREHOUSE, delta: 6, reason: 'OPENING_BALANCE' });
    const movementId = response.data?.adjustInventory.movements[0]?.id;
    const causeId = response.data?.adjustInventory.movements[0]?.causeId;
    expect(movementId).toMatch(/^mov_/);

    const { rows } = await database.db.query<
      OutboxEventRow & Record<string, unknown> & { seq: string; data: { causeId: string; movements: { movementId: string; sku: string }[] } }
    >(`SELECT seq, ${ENVELOPE_COLUMNS} FROM inventory.outbox WHERE type = 'InventoryMoved' AND data->>'causeId' = $1`, [causeId]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.aggregate_id).toBe(WAREHOUSE);
    expect(row.data.movements).toEqual([expect.objectContaining({ movementId, sku: 'SKU-ADJ-ERP', fromState: null, toState: 'SELLABLE', quantity: 6 })]);

    const delivered: DeliveredEvent = { envelope: envelopeOf(row), sourceSeq: Number(row.seq) };
    const runner = new ConsumerRunner(database.db, new InProcessBus(), erpSyncConsumer());
    // A redelivery queues nothing twice.
    await runner.receive(delivered);
    await runner.receive(delivered);
    const { rows: queued } = await database.db.query(`SELECT status FROM inventory.erp_postings WHERE event_id = $1`, [row.id]);
    expect(queued).toEqual([{ status: 'QUEUED' }]);
    const poster = new StockMovementPoster(database.db, new ReferenceErp(database.db));
    expect(await poster.runOnce()).toBe(1);
    expect(await poster.runOnce()).toBe(0);
    // A worker that died after the ERP call, before recording it: its lease runs out and the movements are sent again.
    await database.db.query(`UPDATE inventory.erp_postings SET status = 'QUEUED', posted_at = NULL, next_attempt_at = now() WHERE event_id = $1`, [row.id]);
    expect(await poster.runOnce()).toBe(1);
    const { rows: done } = await database.db.query(`SELECT status FROM inventory.erp_postings WHERE event_id = $1`, [row.id]);
    expect(done).toEqual([{ status: 'POSTED' }]);
    const { rows: posted } = await database.db.query<{ movement_id: string; quantity: number; reason: string }>(
      `SELECT movement_id, quantity, reason FROM erp.stock_movements WHERE sku = 'SKU-ADJ-ERP'`,
    );
    expect(posted).toEqual([{ movement_id: movementId, quantity: 6, reason: 'OPENING_BALANCE' }]);
  });
});
