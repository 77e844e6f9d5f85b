import type { Queryable } from '../platform/db';
import { newId } from '../platform/ids';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { subgraphRequest } from './support/subgraph-client';

/**
 * `returnsKpis` through the gateway on a seeded data set with known answers (docs/design/011):
 * returns with fixed request, refund and memo times in the returns schema (the columns the
 * refund-status consumer fills), manual actions, a replayed dead letter, idempotent replays in
 * every subgraph, stock positions with one planted mismatch, and open reconciliation mismatches.
 * The window is in the past, so nothing the graph does while the test runs falls into it.
 */
let t: TestGraph;

const FROM = '2025-03-01T00:00:00.000Z';
const TO = '2025-03-04T00:00:00.000Z';
const at = (iso: string, plusSeconds = 0) => new Date(Date.parse(iso) + plusSeconds * 1000);

interface SeedReturn {
  channel: 'ECOMMERCE' | 'MOBILE' | 'POS';
  storeId?: string;
  requestedAt: string;
  status: string;
  refundAfter?: number;
  memoAfter?: number;
}

async function seedReturn(db: Queryable, spec: SeedReturn): Promise<string> {
  const id = newId('ret');
  const requestedAt = at(spec.requestedAt);
  await db.query(
    `INSERT INTO returns.returns (id, order_id, status, channel, store_id, requested_at, updated_at, refund_succeeded_at, memo_posted_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)`,
    [
      id,
      newId('ord'),
      spec.status,
      spec.channel,
      spec.storeId ?? null,
      requestedAt,
      spec.refundAfter === undefined ? null : at(spec.requestedAt, spec.refundAfter),
      spec.memoAfter === undefined ? null : at(spec.requestedAt, spec.memoAfter),
    ],
  );
  return id;
}

async function seed(db: Queryable): Promise<void> {
  const nyc = 'loc_store_nyc';
  // In the window [2025-03-01, 2025-03-04):
  await seedReturn(db, { channel: 'ECOMMERCE', requestedAt: '2025-03-01T00:00:00Z', status: 'COMPLETED', refundAfter: 100, memoAfter: 300 }); // R1: first time right
  const r2 = await seedReturn(db, { channel: 'POS', storeId: nyc, requestedAt: '2025-03-01T12:00:00Z', status: 'COMPLETED', refundAfter: 200, memoAfter: 400 });
  const r3 = await seedReturn(db, { channel: 'POS', storeId: nyc, requestedAt: '2025-03-02T00:00:00Z', status: 'COMPLETED', refundAfter: 300, memoAfter: 600 });
  await seedReturn(db, { channel: 'ECOMMERCE', requestedAt: '2025-03-02T06:00:00Z', status: 'RECEIVED', refundAfter: 400 }); // R4: not completed
  const r5 = await seedReturn(db, { channel: 'MOBILE', requestedAt: '2025-03-02T08:00:00Z', status: 'COMPLETED', refundAfter: 1000, memoAfter: 1200 });
  await seedReturn(db, { channel: 'ECOMMERCE', requestedAt: '2025-03-03T00:00:00Z', status: 'AUTHORIZED' }); // R6: no refund yet
  // Outside it: a second before, and exactly at `to` (exclusive).
  await seedReturn(db, { channel: 'ECOMMERCE', requestedAt: '2025-02-28T23:59:59Z', status: 'COMPLETED', refundAfter: 5, memoAfter: 6 });
  await seedReturn(db, { channel: 'ECOMMERCE', requestedAt: TO, status: 'COMPLETED', refundAfter: 5, memoAfter: 6 });

  // Manual actions: R2 approved by a person, R3's refund failed once, R5's refund event dead-lettered and was replayed.
  await db.query(
    `INSERT INTO returns.return_timeline (return_id, from_status, to_status, action, actor, roles, occurred_at)
     VALUES ($1, 'REQUESTED', 'AUTHORIZED', 'approve', 'user:agent', '{service_desk}', $2)`,
    [r2, at('2025-03-01T12:05:00Z')],
  );
  await db.query(`INSERT INTO returns.return_manual_actions (return_id, kind, source, occurred_at) VALUES ($1, 'REFUND_FAILED', $2, $3)`, [
    r3,
    newId('evt'),
    at('2025-03-02T00:01:00Z'),
  ]);
  await db.query(
    `INSERT INTO returns.dead_letters (consumer, event_id, event_type, aggregate_id, event, error, attempts, status, replayed_at, replayed_by)
     VALUES ('returns.refund-status', $1, 'RefundSucceeded', $2, $3, 'Error: planted', 5, 'REPLAYED', now(), 'user:ops')`,
    [newId('evt'), newId('rfd'), { envelope: { data: { returnId: r5 } }, sourceSeq: 1 }],
  );

  // Idempotent replays: 2 in returns, 1 in each other subgraph, in the window; one in returns outside it.
  const replay = (schema: string, when: string) =>
    db.query(`INSERT INTO ${schema}.idempotency_replays (principal, operation, key, replayed_at) VALUES ('user:x', 'op', $1, $2)`, [newId('evt'), at(when)]);
  await replay('returns', '2025-03-01T01:00:00Z');
  await replay('returns', '2025-03-03T23:59:59Z');
  await replay('returns', '2025-03-04T00:00:00Z');
  await replay('refunds', '2025-03-02T00:00:00Z');
  await replay('orders', '2025-03-02T00:00:00Z');
  await replay('inventory', '2025-03-02T00:00:00Z');

  // Stock: DAMAGED 10 + 5 units by the ledger, the balance of the second says 3 (a planted defect); REFURBISH 4, in agreement.
  const position = async (sku: string, state: string, ledger: number, balance: number) => {
    await db.query(
      `INSERT INTO inventory.movements (id, sku, location_id, from_state, to_state, quantity, reason, cause_id, actor) VALUES ($1, $2, $3, NULL, $4, $5, 'KPI_SEED', 'seed', 'test')`,
      [newId('mov'), sku, nyc, state, ledger],
    );
    await db.query(`INSERT INTO inventory.stock_balances (sku, location_id, state, quantity) VALUES ($1, $2, $3, $4)`, [sku, nyc, state, balance]);
  };
  await position('KPI-SKU-A', 'DAMAGED', 10, 10);
  await position('KPI-SKU-B', 'DAMAGED', 5, 3);
  await position('KPI-SKU-C', 'REFURBISH', 4, 4);

  // Reconciliation: two mismatches open, one resolved.
  const run = newId('rcn');
  await db.query(
    `INSERT INTO refunds.reconciliation_runs (id, trigger, requested_by, window_from, window_to, status, finished_at)
     VALUES ($1, 'ON_DEMAND', 'user:finance', now() - interval '1 day', now(), 'COMPLETED', now())`,
    [run],
  );
  for (const [n, status] of [
    [1, 'OPEN'],
    [2, 'OPEN'],
    [3, 'RESOLVED'],
  ] as const) {
    await db.query(
      `INSERT INTO refunds.reconciliation_exceptions (match_key, code, needs_erp, anchor_at, message, evidence, status, first_seen_run, last_seen_run,
         first_seen_at, last_seen_at, resolved_run, resolved_at)
       VALUES ($1, 'PAID_NOT_BOOKED', true, now(), 'planted', '{}', $2, $3, $3, now(), now(), $4, $5)`,
      [`kpi-${n}`, status, run, status === 'RESOLVED' ? run : null, status === 'RESOLVED' ? new Date() : null],
    );
  }
}

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  await seed(t.database.db);
});

afterAll(async () => {
  await t.close();
});

const GROUP = `key returnsRequested returnsCompleted returnsCompletedFirstTimeRight firstTimeRightRate
  refundCycleTime { samples memoSamples requestToRefundP50Seconds requestToRefundP90Seconds requestToMemoP50Seconds requestToMemoP90Seconds }`;
const KPIS = `query($from: DateTime!, $to: DateTime!, $groupBy: KpiGroupBy) { returnsKpis(from: $from, to: $to, groupBy: $groupBy) {
  from to groupBy totals { ${GROUP} } groups { ${GROUP} }
  duplicateAttemptsAbsorbed returnsDuplicateAttemptsAbsorbed refundsDuplicateAttemptsAbsorbed ordersDuplicateAttemptsAbsorbed inventoryDuplicateAttemptsAbsorbed
  reconciliationMismatchesOpen
  inventoryAccuracy { state ledgerUnits projectedUnits accurateUnits positions mismatchedPositions accuracyBasisPoints } } }`;

interface Group {
  key: string;
  returnsRequested: number;
  returnsCompleted: number;
  returnsCompletedFirstTimeRight: number;
  firstTimeRightRate: number | null;
  refundCycleTime: Record<string, number | null>;
}
type Kpis = {
  returnsKpis: {
    totals: Group;
    groups: Group[];
    inventoryAccuracy: { state: string }[];
    [field: string]: unknown;
  };
};

/** A group's expected figures: counts, then refund [p50, p90] over n samples, memo [p50, p90] over m samples. */
function group(
  key: string,
  counts: [number, number, number],
  refund: [number, number | null, number | null],
  memo: [number, number | null, number | null],
): Group {
  const [requested, completed, ftr] = counts;
  return {
    key,
    returnsRequested: requested,
    returnsCompleted: completed,
    returnsCompletedFirstTimeRight: ftr,
    firstTimeRightRate: completed === 0 ? null : ftr / completed,
    refundCycleTime: {
      samples: refund[0],
      memoSamples: memo[0],
      requestToRefundP50Seconds: refund[1],
      requestToRefundP90Seconds: refund[2],
      requestToMemoP50Seconds: memo[1],
      requestToMemoP90Seconds: memo[2],
    },
  };
}

// Nearest rank: the sample at ceil(p·n/100). Refund seconds in the window: 100, 200, 300, 400, 1000; memo: 300, 400, 600, 1200.
const TOTALS = group('ALL', [6, 4, 1], [5, 300, 1000], [4, 400, 1200]);
const POS = group('POS', [2, 2, 0], [2, 200, 300], [2, 400, 600]);

describe('returnsKpis on a seeded data set', () => {
  it('computes the totals, duplicates absorbed in every subgraph, accuracy by state and open mismatches', async () => {
    const response = await t.query<Kpis>(principals.operations(), KPIS, { from: FROM, to: TO });
    expect(response.errors).toBeUndefined();
    const kpis = response.data?.returnsKpis;
    expect(kpis).toMatchObject({
      from: FROM,
      to: TO,
      groupBy: null,
      totals: TOTALS,
      groups: [],
      duplicateAttemptsAbsorbed: 5,
      returnsDuplicateAttemptsAbsorbed: 2,
      refundsDuplicateAttemptsAbsorbed: 1,
      ordersDuplicateAttemptsAbsorbed: 1,
      inventoryDuplicateAttemptsAbsorbed: 1,
      reconciliationMismatchesOpen: 2,
    });
    const accuracy = Object.fromEntries((kpis?.inventoryAccuracy ?? []).map((row) => [row.state, row]));
    expect(accuracy.DAMAGED).toEqual({
      state: 'DAMAGED',
      ledgerUnits: 15,
      projectedUnits: 13,
      accurateUnits: 10,
      positions: 2,
      mismatchedPositions: 1,
      accuracyBasisPoints: 6666,
    });
    expect(accuracy.REFURBISH).toEqual({
      state: 'REFURBISH',
      ledgerUnits: 4,
      projectedUnits: 4,
      accurateUnits: 4,
      positions: 1,
      mismatchedPositions: 0,
      accuracyBasisPoints: 10000,
    });
    expect(accuracy.VENDOR_RETURN).toEqual({
      state: 'VENDOR_RETURN',
      ledgerUnits: 0,
      projectedUnits: 0,
      accurateUnits: 0,
      positions: 0,
      mismatchedPositions: 0,
      accuracyBasisPoints: null,
    });
  });

  it('counts the exception backlog open now across every subgraph, the same figures as the exceptions queue', async () => {
    const BACKLOG = 'open oldestAgeSeconds byKind { kind count } aging { label count }';
    const response = await t.query<{
      returnsKpis: { exceptionBacklog: Record<string, unknown> };
      exceptions: { totalCount: number; backlog: Record<string, unknown> };
    }>(
      principals.operations(),
      `query($from: DateTime!, $to: DateTime!) { returnsKpis(from: $from, to: $to) { exceptionBacklog { ${BACKLOG} } } exceptions(first: 0) { totalCount backlog { ${BACKLOG} } } }`,
      { from: FROM, to: TO },
    );
    expect(response.errors).toBeUndefined();
    const backlog = response.data?.returnsKpis.exceptionBacklog as { open: number; byKind: { kind: string; count: number }[]; aging: { count: number }[] };
    // The seed's two open reconciliation mismatches are exceptions in refunds' part.
    expect(backlog.byKind).toContainEqual({ kind: 'RECONCILIATION_MISMATCH', count: 2 });
    expect(backlog.open).toBe(response.data?.exceptions.totalCount);
    expect(backlog.aging.reduce((sum, bucket) => sum + bucket.count, 0)).toBe(backlog.open);
    const { oldestAgeSeconds: _kpiAge, ...kpiRest } = response.data?.returnsKpis.exceptionBacklog ?? {};
    const { oldestAgeSeconds: _queueAge, ...queueRest } = response.data?.exceptions.backlog ?? {};
    expect(kpiRest).toEqual(queueRest);
  });

  it('groups by channel', async () => {
    const response = await t.query<Kpis>(principals.finance(), KPIS, { from: FROM, to: TO, groupBy: 'CHANNEL' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsKpis.totals).toEqual(TOTALS);
    expect(response.data?.returnsKpis.groups).toEqual([
      group('ECOMMERCE', [3, 1, 1], [2, 100, 400], [1, 300, 300]),
      group('MOBILE', [1, 1, 0], [1, 1000, 1000], [1, 1200, 1200]),
      POS,
    ]);
  });

  it('groups by store, online returns under NO_STORE', async () => {
    const response = await t.query<Kpis>(principals.operations(), KPIS, { from: FROM, to: TO, groupBy: 'STORE' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsKpis.groups).toEqual([group('NO_STORE', [4, 2, 1], [3, 400, 1000], [2, 300, 1200]), { ...POS, key: 'loc_store_nyc' }]);
  });

  it('groups by UTC day, a day with nothing completed has no rate', async () => {
    const response = await t.query<Kpis>(principals.operations(), KPIS, { from: FROM, to: TO, groupBy: 'DAY' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsKpis.groups).toEqual([
      group('2025-03-01', [2, 2, 1], [2, 100, 200], [2, 300, 400]),
      group('2025-03-02', [3, 2, 0], [3, 400, 1000], [2, 600, 1200]),
      group('2025-03-03', [1, 0, 0], [0, null, null], [0, null, null]),
    ]);
  });

  it('answers an empty window with zero counts and null figures', async () => {
    const response = await t.query<Kpis>(principals.operations(), KPIS, { from: '2024-01-01T00:00:00Z', to: '2024-01-02T00:00:00Z' });
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsKpis.totals).toEqual(group('ALL', [0, 0, 0], [0, null, null], [0, null, null]));
  });
});

describe('returnsKpis refuses', () => {
  const codeOf = (response: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => response.errors?.[0]?.extensions?.code;

  it('callers without the capability, with FORBIDDEN', async () => {
    for (const principal of [principals.storeAssociate(), principals.serviceDesk(), principals.customer(), principals.partner()]) {
      const response = await t.query(principal, KPIS, { from: FROM, to: TO });
      expect({ role: principal.roles[0], code: codeOf(response), data: response.data ?? null }).toEqual({
        role: principal.roles[0],
        code: 'FORBIDDEN',
        data: null,
      });
    }
  });

  it('a window that ends before it starts, an empty one, one over 366 days and malformed dates, with BAD_USER_INPUT', async () => {
    for (const [from, to] of [
      [TO, FROM],
      [FROM, FROM],
      ['2024-01-01T00:00:00Z', '2025-01-02T00:00:01Z'],
      ['yesterday', TO],
      ['2025-03-01', TO],
    ]) {
      const response = await t.query(principals.operations(), KPIS, { from, to });
      expect({ from, to, code: codeOf(response) }).toEqual({ from, to, code: 'BAD_USER_INPUT' });
    }
  });

  it('refuses a caller without the capability at every contribution reached through _entities, and answers a forged id with nothing', async () => {
    const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { __typename } }`;
    const id = Buffer.from(JSON.stringify({ k: 'kpis', f: FROM, t: TO, g: null })).toString('base64url');
    for (const subgraph of t.graph.subgraphs) {
      const refused = await subgraphRequest(subgraph.url, principals.storeAssociate(), ENTITIES, { r: [{ __typename: 'ReturnsKpis', id }] });
      expect({ subgraph: subgraph.name, code: refused.errors?.[0]?.extensions?.code }).toEqual({ subgraph: subgraph.name, code: 'FORBIDDEN' });
      const forged = await subgraphRequest<{ _entities: unknown[] }>(subgraph.url, principals.operations(), ENTITIES, {
        r: [{ __typename: 'ReturnsKpis', id: 'not-an-id' }],
      });
      expect({ subgraph: subgraph.name, entities: forged.data?._entities }).toEqual({ subgraph: subgraph.name, entities: [null] });
    }
  });
});
