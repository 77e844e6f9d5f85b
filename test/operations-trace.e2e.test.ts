import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { lineInput, mutationDocument, newKey, recordOrder, type Caller } from './support/returns-kit';

/**
 * `trace(correlationId)` and `returnTimeline(returnId)` through the gateway (docs/design/011): one
 * return flow — the order recorded, a counter return authorized and received at once, refunded at
 * receipt through the simulated provider, its credit memo posted in the reference ERP — sent with a
 * fixed `x-correlation-id`, then read back as hops from all four subgraphs, in time order.
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const WAIT_MS = 30_000;
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    value = await read();
  }
  return value;
}

/** A caller that sends every request with one correlation id, as a client would for one business flow. */
const correlated = (correlationId: string): Caller => ({
  query: (principal: Principal, query: string, variables?: Record<string, unknown>) =>
    t.query(principal, query, variables, { 'x-correlation-id': correlationId }),
});

interface Hop {
  at: string;
  subgraph: string;
  kind: string;
  name: string;
  detail: string | null;
  aggregateId: string | null;
  eventId: string | null;
  correlationId: string;
}
const HOPS = 'hops { at subgraph kind name detail aggregateId eventId correlationId }';
const TRACE = `query($c: String!) { trace(correlationId: $c) { id correlationId returnId ${HOPS} } }`;
const TIMELINE = `query($r: ID!) { returnTimeline(returnId: $r) { id correlationId returnId ${HOPS} } }`;
type Trace = { trace: { correlationId: string | null; returnId: string | null; hops: Hop[] } };
type Timeline = { returnTimeline: { correlationId: string | null; returnId: string | null; hops: Hop[] } };

const has = (hops: readonly Hop[], subgraph: string, kind: string, name?: string | RegExp) =>
  hops.some(
    (hop) => hop.subgraph === subgraph && hop.kind === kind && (name === undefined || (typeof name === 'string' ? hop.name === name : name.test(hop.name))),
  );

describe('one return flow, traced', () => {
  const correlationId = `flow-${randomUUID()}`;
  let returnId = '';

  beforeAll(async () => {
    const caller = correlated(correlationId);
    const order = await recordOrder(caller, t.database.db, {
      customerId: `cus_trace_${randomUUID().slice(0, 8)}`,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 1, unitPrice: '20.00' }],
    });
    const key = newKey('authorize');
    const input = {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      receiveNow: true,
      lines: [lineInput(order.lines[0]?.id as string, 1, 'UNWANTED')],
    };
    const associate = principals.storeAssociate('loc_store_nyc');
    const first = await caller.query<Record<string, { return: { id: string } | null; userErrors: unknown[] }>>(associate, mutationDocument('authorizeReturn'), {
      input,
      key,
    });
    expect(first.data?.authorizeReturn?.userErrors).toEqual([]);
    returnId = first.data?.authorizeReturn?.return?.id as string;
    // The till retries the same request: answered from the stored result (a duplicate absorbed).
    const retry = await caller.query<Record<string, { return: { id: string } | null }>>(associate, mutationDocument('authorizeReturn'), { input, key });
    expect(retry.data?.authorizeReturn?.return?.id).toBe(returnId);

    // Refunded at receipt, paid, and the memo posted: the returns schema learns both milestones from the events.
    await eventually(
      'the refund paid and the memo posted',
      () =>
        t.database.db.query<{ refund_succeeded_at: Date | null; memo_posted_at: Date | null }>(
          `SELECT refund_succeeded_at, memo_posted_at FROM returns.returns WHERE id = $1`,
          [returnId],
        ),
      (r) => r.rows[0]?.refund_succeeded_at != null && r.rows[0]?.memo_posted_at != null,
    );
  }, 60_000);

  it('trace(correlationId) has hops from all four subgraphs, with the provider call and the ERP posting, in time order', async () => {
    const response = await t.query<Trace>(principals.operations(), TRACE, { c: correlationId });
    expect(response.errors).toBeUndefined();
    const trace = response.data?.trace;
    expect(trace).toMatchObject({ correlationId, returnId: null });
    const hops = trace?.hops ?? [];
    expect(new Set(hops.map((hop) => hop.subgraph))).toEqual(new Set(['orders', 'returns', 'inventory', 'refunds']));
    expect(hops.every((hop) => hop.correlationId === correlationId)).toBe(true);
    const times = hops.map((hop) => Date.parse(hop.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));

    expect(has(hops, 'orders', 'REQUEST', 'recordOrder')).toBe(true);
    expect(has(hops, 'orders', 'EVENT_PUBLISHED', 'OrderRecorded')).toBe(true);
    expect(has(hops, 'returns', 'REQUEST', 'authorizeReturn')).toBe(true);
    expect(hops.some((hop) => hop.subgraph === 'returns' && hop.kind === 'REQUEST' && /replayed/.test(hop.detail ?? ''))).toBe(true);
    expect(has(hops, 'returns', 'STATE_CHANGE', 'authorize')).toBe(true);
    expect(has(hops, 'returns', 'EVENT_PUBLISHED', 'ReturnAuthorized')).toBe(true);
    expect(has(hops, 'inventory', 'EVENT_HANDLED')).toBe(true);
    expect(has(hops, 'inventory', 'STATE_CHANGE')).toBe(true);
    expect(has(hops, 'refunds', 'EVENT_HANDLED')).toBe(true);
    expect(has(hops, 'refunds', 'EVENT_PUBLISHED', 'RefundSucceeded')).toBe(true);
    expect(has(hops, 'refunds', 'PROVIDER_CALL', /\.refunds\.create$/)).toBe(true);
    expect(has(hops, 'refunds', 'ERP_POSTING', 'erp.creditMemo')).toBe(true);
    expect(has(hops, 'returns', 'EVENT_HANDLED', 'returns.refund-status')).toBe(true);

    // The request comes before its event, the event before the refund it caused, the payment before the memo.
    const first = (predicate: (hop: Hop) => boolean) => hops.findIndex(predicate);
    const authorize = first((hop) => hop.kind === 'REQUEST' && hop.name === 'authorizeReturn');
    const authorized = first((hop) => hop.kind === 'EVENT_PUBLISHED' && hop.name === 'ReturnAuthorized');
    const provider = first((hop) => hop.kind === 'PROVIDER_CALL');
    const memo = first((hop) => hop.kind === 'ERP_POSTING' && hop.name === 'erp.creditMemo');
    expect(authorize).toBeLessThan(authorized);
    expect(authorized).toBeLessThan(provider);
    expect(provider).toBeLessThan(memo);
  });

  it('returnTimeline(returnId) gathers the same flow from every subgraph that touched the return', async () => {
    const response = await t.query<Timeline>(principals.serviceDesk(), TIMELINE, { r: returnId });
    expect(response.errors).toBeUndefined();
    const timeline = response.data?.returnTimeline;
    expect(timeline).toMatchObject({ returnId, correlationId: null });
    const hops = timeline?.hops ?? [];
    for (const subgraph of ['returns', 'inventory', 'refunds'])
      expect({ subgraph, present: hops.some((hop) => hop.subgraph === subgraph) }).toEqual({ subgraph, present: true });
    expect(has(hops, 'refunds', 'PROVIDER_CALL')).toBe(true);
    expect(has(hops, 'returns', 'STATE_CHANGE', 'authorize')).toBe(true);
  });

  it('counts the retried request as a duplicate absorbed, and times the refund from its events', async () => {
    const now = Date.now();
    const response = await t.query<{
      returnsKpis: { duplicateAttemptsAbsorbed: number; totals: { refundCycleTime: { samples: number; memoSamples: number } } };
    }>(
      principals.operations(),
      `query($from: DateTime!, $to: DateTime!) { returnsKpis(from: $from, to: $to) { duplicateAttemptsAbsorbed totals { refundCycleTime { samples memoSamples } } } }`,
      { from: new Date(now - 3_600_000).toISOString(), to: new Date(now + 60_000).toISOString() },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsKpis.duplicateAttemptsAbsorbed).toBeGreaterThanOrEqual(1);
    expect(response.data?.returnsKpis.totals.refundCycleTime).toEqual({ samples: 1, memoSamples: 1 });
  });

  it('refuses callers without the capability and malformed arguments', async () => {
    const forbidden = await t.query(principals.storeAssociate(), TRACE, { c: correlationId });
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const customer = await t.query(principals.customer(), TIMELINE, { r: returnId });
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badCorrelation = await t.query(principals.operations(), TRACE, { c: 'has spaces and ☃' });
    expect(badCorrelation.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const badReturn = await t.query(principals.operations(), TIMELINE, { r: 'ord_nope' });
    expect(badReturn.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('answers an unknown flow with no hops', async () => {
    const response = await t.query<Trace>(principals.finance(), TRACE, { c: `nothing-${randomUUID()}` });
    expect(response.errors).toBeUndefined();
    expect(response.data?.trace.hops).toEqual([]);
  });
});
