import type { Page, Route } from 'playwright-core';
import type { TestGraph } from './graph';

/**
 * Stand-in answers for the operations fields of the agreed schema (/work/briefs/schema-ops.md:
 * returnsKpis, exceptions, trace, returnTimeline), served to the browser by intercepting its
 * `/graphql` calls, so the console's views are tested against that contract with known data
 * before (and independently of) the subgraphs that implement it. Everything else — sign-in,
 * pipeline health, every mutation and the mutation introspection behind the action buttons — goes
 * to the real gateway. The exceptions queue is read from the real database (DEAD dead letters of
 * returns, plus fixed items), so a replay performed through the real mutation empties it for real.
 */

export const STAND_IN_ROOT_FIELDS = ['returnsKpis', 'exceptions', 'trace', 'returnTimeline'];

const group = (key: string, requested: number, completed: number, ftr: number | null, p50: number | null) => ({
  key,
  returnsRequested: requested,
  returnsCompleted: completed,
  firstTimeRightRate: ftr,
  refundCycleTime: {
    samples: completed,
    requestToRefundP50Seconds: p50,
    requestToRefundP90Seconds: p50 === null ? null : p50 * 2,
    requestToMemoP50Seconds: p50 === null ? null : p50 + 60,
    requestToMemoP90Seconds: p50 === null ? null : p50 * 2 + 60,
  },
});

/** Known KPI answers: 3 returns over two days, 2 completed of which 1 first time right. */
export const KPIS = {
  totals: group('ALL', 3, 2, 0.5, 5400),
  groups: [group('2026-11-29', 2, 2, 0.5, 5400), group('2026-11-30', 1, 0, null, null)],
  duplicateAttemptsAbsorbed: 7,
  exceptionBacklog: {
    open: 4,
    oldestAgeSeconds: 3 * 86_400,
    byKind: [{ kind: 'DEAD_LETTER', count: 4 }],
    aging: [
      { label: '<1h', count: 1 },
      { label: '1h-24h', count: 2 },
      { label: '1d-7d', count: 1 },
      { label: '>7d', count: 0 },
    ],
  },
  inventoryAccuracy: [
    { state: 'SELLABLE', units: 200, accurateUnits: 198, accuracyRate: 0.99 },
    { state: 'DAMAGED', units: 10, accurateUnits: 10, accuracyRate: 1 },
  ],
  reconciliationMismatchesOpen: 3,
};

const leaf = (name: string, kind: string) => ({ name, type: { kind: 'NON_NULL', name: null, ofType: { kind, name: null, ofType: null } } });
const ACCURACY_TYPE = { __type: { fields: [leaf('state', 'ENUM'), leaf('units', 'SCALAR'), leaf('accurateUnits', 'SCALAR'), leaf('accuracyRate', 'SCALAR')] } };

/** Items besides the dead letters: a failed refund whose retry the real gateway refuses, and a stuck return. */
export const FAILED_REFUND_ID = 'ref_01JZZZZZZZZZZZZZZZZZZZZZZZ';
function fixedExceptions(stuckReturnId: string) {
  const base = { subgraph: 'refunds', openedAt: new Date(Date.now() - 7200_000).toISOString(), ageSeconds: 7200, orderId: null, correlationId: null };
  return [
    {
      ...base,
      id: 'exc_refund',
      kind: 'REFUND_FAILED',
      summary: 'Refund declined by the provider',
      returnId: null,
      refundId: FAILED_REFUND_ID,
      evidence: [{ label: 'provider error', value: 'card_declined' }],
      action: { kind: 'RETRY_REFUND', label: 'Retry refund', mutation: 'retryRefund', targetId: FAILED_REFUND_ID },
    },
    {
      ...base,
      subgraph: 'returns',
      id: 'exc_stuck',
      kind: 'RETURN_STUCK',
      summary: 'Return authorized 3 days ago and not received',
      returnId: stuckReturnId,
      refundId: null,
      correlationId: 'corr-stuck',
      evidence: [{ label: 'status', value: 'AUTHORIZED' }],
      action: { kind: 'REVIEW_RETURN', label: 'Review', mutation: 'returnTimeline', targetId: stuckReturnId },
    },
  ];
}

async function deadLetterExceptions(t: TestGraph) {
  const { rows } = await t.database.db.query<{ id: string; consumer: string; event_type: string; aggregate_id: string; error: string; dead_at: Date }>(
    `SELECT id::text AS id, consumer, event_type, aggregate_id, error, dead_at FROM returns.dead_letters WHERE status = 'DEAD' ORDER BY dead_at`,
  );
  return rows.map((row) => ({
    id: `exc_dl_${row.id}`,
    kind: 'DEAD_LETTER',
    subgraph: 'returns',
    summary: `${row.consumer} gave up on ${row.event_type} ${row.aggregate_id}`,
    openedAt: row.dead_at.toISOString(),
    ageSeconds: Math.floor((Date.now() - row.dead_at.getTime()) / 1000),
    orderId: row.aggregate_id,
    returnId: null,
    refundId: null,
    correlationId: null,
    evidence: [{ label: 'error', value: row.error }],
    action: { kind: 'REPLAY_DEAD_LETTER', label: 'Replay', mutation: 'replayReturnsDeadLetters', targetId: row.id },
  }));
}

const hops = (returnId: string | null, correlationId: string) => [
  {
    at: '2026-11-29T10:00:00.000Z',
    subgraph: 'returns',
    kind: 'REQUEST',
    name: 'requestReturn',
    detail: null,
    aggregateId: returnId,
    eventId: null,
    correlationId,
  },
  {
    at: '2026-11-29T10:00:01.000Z',
    subgraph: 'returns',
    kind: 'EVENT_PUBLISHED',
    name: 'ReturnRequested',
    detail: null,
    aggregateId: returnId,
    eventId: 'evt_1',
    correlationId,
  },
  {
    at: '2026-11-29T10:00:02.000Z',
    subgraph: 'refunds',
    kind: 'PROVIDER_CALL',
    name: 'stripe.refunds.create',
    detail: 'succeeded',
    aggregateId: null,
    eventId: null,
    correlationId,
  },
];

type Body = { query: string; variables?: Record<string, unknown> };

async function answer(t: TestGraph, route: Route, body: Body, stuckReturnId: string): Promise<unknown> {
  const { query, variables = {} } = body;
  if (query.includes('mutationType { fields { name } }')) {
    const real = (await (await route.fetch()).json()) as { data: { __schema: { queryType: { fields: { name: string }[] } } } };
    real.data.__schema.queryType.fields.push(...STAND_IN_ROOT_FIELDS.map((name) => ({ name })));
    return real;
  }
  if (query.startsWith('query TypeFields')) return { data: ACCURACY_TYPE };
  if (query.startsWith('query Kpis')) return { data: { returnsKpis: { from: variables.from, to: variables.to, groupBy: 'DAY', ...KPIS } } };
  if (query.startsWith('query Exceptions')) {
    const all = [...(await deadLetterExceptions(t)), ...fixedExceptions(stuckReturnId)].filter((item) => !variables.kind || item.kind === variables.kind);
    const edges = all.map((node) => ({ cursor: node.id, node }));
    return { data: { exceptions: { totalCount: all.length, pageInfo: { hasNextPage: false, endCursor: edges.at(-1)?.cursor ?? null }, edges } } };
  }
  if (query.startsWith('query ReturnTimeline')) {
    const returnId = String(variables.returnId);
    return { data: { returnTimeline: { id: `rt:${returnId}`, correlationId: null, returnId, hops: hops(returnId, 'corr-stuck') } } };
  }
  if (query.startsWith('query Trace')) {
    const correlationId = String(variables.correlationId);
    return { data: { trace: { id: `tr:${correlationId}`, correlationId, returnId: null, hops: hops(null, correlationId) } } };
  }
  return undefined;
}

/** Serves the stand-in answers to `page`; `calls` receives every operation the page sent, in order. */
export async function standInOperationsSchema(page: Page, t: TestGraph, stuckReturnId: string, calls: Body[]): Promise<void> {
  await page.route('**/graphql', async (route) => {
    const body = route.request().postDataJSON() as Body;
    calls.push(body);
    const stood = await answer(t, route, body, stuckReturnId);
    if (stood === undefined) return route.continue();
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(stood) });
  });
}
