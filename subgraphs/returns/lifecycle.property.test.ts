import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { newId } from '../../platform/ids';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { subgraphRequest, testInternalTokens } from '../../test/support/subgraph-client';
import { lineInput, mutate, WAREHOUSE_ID, type Caller } from '../../test/support/returns-kit';
import { RETURN_STATUSES, type ReturnStatus } from '../../contracts/vocabulary';
import { OPEN_OR_DONE_STATUSES, TRANSITIONS, type ReturnAction } from './domain/status';
import { returnsSubgraph } from '.';
import { TEST_SETTINGS } from '../../test/support/settings';

/**
 * Random sequences of every returns mutation on one small order, against the real database
 * through the returns subgraph: whatever happens, statuses stay reachable by TRANSITIONS, every
 * timeline step is an allowed transition, and open or done returns never exceed what was bought.
 */
let database: TestDatabase;
let subgraph: RunningSubgraph;
let caller: Caller;

/** Runs of the property: each records an order and applies up to `MAX_STEPS` mutations. */
const NUM_RUNS = 20;
const MAX_STEPS = 12;
/** Twenty runs of a dozen mutations take a few seconds; the margin covers a loaded machine. */
const PROPERTY_TIMEOUT_MS = 90_000;
/** Units per order line: few, so returns compete for them. */
const ORDERED = [3, 2];
/** The store that takes counter returns; the warehouse (also the default destination) receives the rest. */
const STORE_ID = 'loc_store_nyc';

beforeAll(async () => {
  database = await createTestDatabase();
  subgraph = await startSubgraph(returnsSubgraph({ settings: TEST_SETTINGS.returns }), { db: database.db, internalTokens: testInternalTokens, port: 0 });
  caller = { query: (principal, query, variables) => subgraphRequest(subgraph.url, principal, query, variables) };
  // As inventory's LocationRegistered events would have left returns' read model of locations.
  for (const id of [STORE_ID, WAREHOUSE_ID]) {
    await database.db.query(`INSERT INTO returns.locations (id, name, kind, last_event_id, last_event_at) VALUES ($1, $1, $2, $3, now())`, [
      id,
      id === WAREHOUSE_ID ? 'WAREHOUSE' : 'STORE',
      newId('evt'),
    ]);
  }
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

/** The order as `OrderRecorded` would have left it in the returns subgraph's own snapshot table. */
async function snapshotOrder(): Promise<{ orderId: string; lineIds: string[] }> {
  const orderId = newId('ord');
  const lineIds = ORDERED.map(() => newId('oli'));
  const lines = ORDERED.map((quantity, i) => ({
    orderLineId: lineIds[i],
    sku: `SKU-HOM-00${i + 1}`,
    category: 'home',
    quantity,
    unitPriceMinor: 3000,
    discountMinor: 0,
    taxMinor: 0,
    finalSale: false,
  }));
  const total = ORDERED.reduce((sum, quantity) => sum + quantity * 3000, 0);
  const payments = [{ paymentId: newId('pay'), provider: 'stripe', providerReference: `pi_${randomUUID()}`, method: 'CARD', capturedMinor: total }];
  await database.db.query(
    `INSERT INTO returns.order_snapshots (order_id, number, channel, store_id, partner_id, customer_id, placed_at, delivered_at, currency, total_minor, lines, payments, last_event_id, last_event_at)
     VALUES ($1, $2, 'ECOMMERCE', NULL, NULL, $3, now() - interval '5 days', now() - interval '3 days', 'USD', $4, $5, $6, $7, now())`,
    [orderId, `P${randomUUID().slice(0, 8)}`, `cus_p_${randomUUID().slice(0, 8)}`, total, JSON.stringify(lines), JSON.stringify(payments), newId('evt')],
  );
  return { orderId, lineIds };
}

/** One step of a run: create a return, or act on the n-th return created so far. */
type Step =
  | { kind: 'request' | 'authorize'; line: number; quantity: number; receiveNow: boolean }
  | { kind: 'approve' | 'decline' | 'cancel' | 'ship' | 'receivePart' | 'receiveAll' | 'inspect'; target: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('request' as const, 'authorize' as const),
    line: fc.nat(ORDERED.length - 1),
    quantity: fc.integer({ min: 1, max: 3 }),
    receiveNow: fc.boolean(),
  }),
  fc.record({
    kind: fc.constantFrom(
      'approve' as const,
      'decline' as const,
      'cancel' as const,
      'ship' as const,
      'receivePart' as const,
      'receiveAll' as const,
      'inspect' as const,
    ),
    target: fc.nat(7),
  }),
);

/** Where a return's received units wait for inspection: per location and line, the units not yet inspected there. */
async function waitingByLocation(returnId: string): Promise<Map<string, { id: string; waiting: number }[]>> {
  const { rows } = await database.db.query<{ location_id: string; id: string; waiting: number }>(
    `WITH received AS (
       SELECT r.location_id, e.line->>'returnLineId' AS id, sum((e.line->>'quantity')::int) AS units
         FROM returns.return_receipts r, jsonb_array_elements(r.lines) AS e(line)
        WHERE r.return_id = $1 GROUP BY r.location_id, e.line->>'returnLineId')
     SELECT location_id, id,
            (units - coalesce((SELECT sum(d.quantity) FROM returns.return_line_dispositions d WHERE d.return_line_id = received.id AND d.location_id = received.location_id), 0))::int8 AS waiting
       FROM received ORDER BY location_id, id`,
    [returnId],
  );
  const byLocation = new Map<string, { id: string; waiting: number }[]>();
  for (const row of rows.filter((candidate) => Number(candidate.waiting) > 0)) {
    byLocation.set(row.location_id, [...(byLocation.get(row.location_id) ?? []), { id: row.id, waiting: Number(row.waiting) }]);
  }
  return byLocation;
}

/** Lines of a return with what is still expected and what waits for inspection. */
async function returnLines(returnId: string) {
  const { rows } = await database.db.query<{ id: string; outstanding: number; waiting: number }>(
    `SELECT l.id, (l.quantity - l.received_quantity)::int8 AS outstanding,
            (l.received_quantity - coalesce((SELECT sum(d.quantity) FROM returns.return_line_dispositions d WHERE d.return_line_id = l.id), 0))::int8 AS waiting
       FROM returns.return_lines l WHERE l.return_id = $1 ORDER BY l.id`,
    [returnId],
  );
  return rows;
}

async function apply(step: Step, order: { orderId: string; lineIds: string[] }, created: string[]): Promise<void> {
  const agent = principals.serviceDesk();
  const wms = principals.service();
  if ('line' in step) {
    const lines = [lineInput(order.lineIds[step.line] as string, step.quantity)];
    const result =
      step.kind === 'request'
        ? await mutate(caller, agent, 'requestReturn', { orderId: order.orderId, channel: 'ECOMMERCE', lines })
        : await mutate(caller, agent, 'authorizeReturn', { orderId: order.orderId, channel: 'POS', storeId: STORE_ID, lines, receiveNow: step.receiveNow });
    expect(result.response.errors).toBeUndefined();
    if (result.payload?.return) created.push(result.payload.return.id);
    return;
  }
  const returnId = created[step.target % Math.max(1, created.length)];
  if (!returnId) return;
  let result;
  if (step.kind === 'approve') result = await mutate(caller, agent, 'approveReturn', { returnId });
  else if (step.kind === 'decline') result = await mutate(caller, agent, 'declineReturn', { returnId, reason: 'OUTSIDE_POLICY' });
  else if (step.kind === 'cancel') result = await mutate(caller, agent, 'cancelReturn', { returnId });
  else if (step.kind === 'ship') result = await mutate(caller, agent, 'markReturnInTransit', { returnId, carrier: 'UPS' });
  else if (step.kind === 'inspect') {
    // Units are inspected where they were received (a counter receipt at the store, others at the warehouse).
    const [locationId, lines] = [...(await waitingByLocation(returnId))][0] ?? [WAREHOUSE_ID, []];
    const input = {
      returnId,
      locationId,
      lines: lines.map((line) => ({ returnLineId: line.id, dispositions: [{ disposition: 'SELLABLE', quantity: line.waiting }] })),
    };
    result = await mutate(caller, wms, 'recordInspection', input);
  } else {
    const lines = (await returnLines(returnId)).filter((line) => line.outstanding > 0);
    const receipt =
      step.kind === 'receiveAll'
        ? lines.map((line) => ({ returnLineId: line.id, quantity: line.outstanding }))
        : lines.slice(0, 1).map((line) => ({ returnLineId: line.id, quantity: 1 }));
    result = await mutate(caller, wms, 'receiveReturnItems', { returnId, locationId: WAREHOUSE_ID, lines: receipt });
  }
  // Refusals are fine (that is the point); faults are not.
  expect(result.response.errors).toBeUndefined();
}

/** Every status reachable from creation through the table. */
function reachable(): Set<ReturnStatus> {
  const seen = new Set<ReturnStatus>();
  let frontier: (ReturnStatus | null)[] = [null];
  while (frontier.length > 0) {
    const next: ReturnStatus[] = [];
    for (const from of frontier) {
      for (const rule of Object.values(TRANSITIONS)) {
        if (rule.from.includes(from) && !seen.has(rule.to)) {
          seen.add(rule.to);
          next.push(rule.to);
        }
      }
    }
    frontier = next;
  }
  return seen;
}

/** Actions that may record a step keeping the status (a partial receipt after another, a partial inspection). */
const SAME_STATUS_ACTIONS = new Set(['receive', 'inspect']);

function isAllowedStep(entry: { from_status: ReturnStatus | null; to_status: ReturnStatus; action: string }): boolean {
  const rule = TRANSITIONS[entry.action as ReturnAction] as (typeof TRANSITIONS)[ReturnAction] | undefined;
  if (rule && rule.from.includes(entry.from_status) && rule.to === entry.to_status) return true;
  return SAME_STATUS_ACTIONS.has(entry.action) && entry.from_status !== null && entry.from_status === entry.to_status;
}

async function checkInvariants(orderId: string): Promise<void> {
  const allowed = reachable();
  const { rows: returns } = await database.db.query<{ id: string; status: ReturnStatus; revision: number; events: number }>(
    `SELECT r.id, r.status, r.revision, (SELECT count(*) FROM returns.outbox o WHERE o.aggregate_id = r.id)::int8 AS events FROM returns.returns r WHERE r.order_id = $1`,
    [orderId],
  );
  for (const ret of returns) {
    expect(RETURN_STATUSES).toContain(ret.status);
    expect(allowed.has(ret.status)).toBe(true);
    const { rows: timeline } = await database.db.query<{ from_status: ReturnStatus | null; to_status: ReturnStatus; action: string }>(
      `SELECT from_status, to_status, action FROM returns.return_timeline WHERE return_id = $1 ORDER BY id`,
      [ret.id],
    );
    expect(timeline[0]?.from_status).toBeNull();
    timeline.forEach((entry, i) => {
      if (!isAllowedStep(entry))
        throw new Error(`return ${ret.id}: timeline step ${entry.from_status} -[${entry.action}]-> ${entry.to_status} is not in TRANSITIONS`);
      if (i > 0) expect(entry.from_status).toBe(timeline[i - 1]?.to_status);
    });
    expect(timeline[timeline.length - 1]?.to_status).toBe(ret.status);
    // Every change bumps the revision once, writes one timeline entry and one event.
    expect([timeline.length, ret.events]).toEqual([ret.revision, ret.revision]);
  }
  const { rows: units } = await database.db.query<{ order_line_id: string; quantity: number }>(
    `SELECT l.order_line_id, sum(l.quantity)::int8 AS quantity FROM returns.return_lines l JOIN returns.returns r ON r.id = l.return_id
      WHERE r.order_id = $1 AND r.status = ANY($2) GROUP BY l.order_line_id`,
    [orderId, OPEN_OR_DONE_STATUSES],
  );
  const { rows: snapshot } = await database.db.query<{ lines: { orderLineId: string; quantity: number }[] }>(
    `SELECT lines FROM returns.order_snapshots WHERE order_id = $1`,
    [orderId],
  );
  for (const { order_line_id, quantity } of units) {
    const ordered = snapshot[0]?.lines.find((line) => line.orderLineId === order_line_id)?.quantity ?? 0;
    expect(quantity).toBeLessThanOrEqual(ordered);
  }
}

describe('return lifecycle properties', () => {
  it(
    'keeps statuses, timelines and returned quantities within the transitions table and the order under random mutation sequences',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: MAX_STEPS }), async (steps) => {
          const order = await snapshotOrder();
          const created: string[] = [];
          for (const step of steps) await apply(step, order, created);
          await checkInvariants(order.orderId);
        }),
        { numRuns: NUM_RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
