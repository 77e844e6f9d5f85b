import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../../test/support/subgraph-client';
import { principals } from '../../../test/support/principals';
import { TEST_SETTINGS } from '../../../test/support/settings';
import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph';
import { newId } from '../../../platform/ids';
import type { Principal } from '../../../platform/auth';
import { ReferenceErp } from '../../../connectors/erp/reference/reference-erp';
import type { ErpConnector } from '../../../connectors/erp/port';
import { SimulatedGateway } from '../../../connectors/payments/simulated/simulated-gateway';
import { StripeGateway } from '../../../connectors/payments/stripe/stripe-gateway';
import { FakeStripeServer, FAKE_STRIPE_SECRET_KEY } from '../../../connectors/payments/stripe/testing/fake-stripe-server';
import { RefundSucceeded } from '../../../contracts/events/refunds';
import type { OrderRecordedData } from '../../../contracts/events/orders';
import { refundsSubgraph } from '../index';
import { creditMemosConsumer } from '../consumers/credit-memos';
import { CreditMemoPoster } from '../erp-posting/credit-memo-poster';
import { RefundExecutor } from '../execution/executor';
import { GatewayRouter } from '../execution/gateways';
import { SimulatedWorld } from '../execution/simulated-world';
import { deliver, directRunner, dueNow, orderData, outboxEvents, receivedEvent, refundsOf, refundsRig, type RefundsRig } from '../testing/refunds-kit';
import { Reconciler } from './engine';
import { createRun } from './store';

/**
 * Three-way reconciliation on real PostgreSQL: graph refunds made by the refunds pipeline, Stripe
 * behind its fake server and the simulated gateway as the providers, the reference ERP as the books.
 */
let database: TestDatabase;
let fake: FakeStripeServer;
let stripe: StripeGateway;
let simulated: SimulatedGateway;
let erp: ReferenceErp;
let rig: RefundsRig;
let executor: RefundExecutor;
let subgraph: RunningSubgraph;
const started = new Date(Date.now() - 60_000);

beforeAll(async () => {
  database = await createTestDatabase();
  fake = await FakeStripeServer.start({ initialRefundStatus: 'succeeded' });
  stripe = new StripeGateway({ secretKey: FAKE_STRIPE_SECRET_KEY, apiBase: fake.url, maxNetworkRetries: 0 });
  simulated = new SimulatedGateway(database.db, { settlementDelayMs: 0 });
  erp = new ReferenceErp(database.db);
  rig = refundsRig(database.db);
  executor = new RefundExecutor(database.db, new GatewayRouter([stripe], new SimulatedWorld(database.db, simulated)));
  const definition = refundsSubgraph({ db: database.db, payments: { gateways: [stripe], simulated, verifiers: [] }, erp, settings: TEST_SETTINGS.refunds });
  subgraph = await startSubgraph(definition, { db: database.db, internalTokens: testInternalTokens, port: 0 });
});

afterAll(async () => {
  await subgraph?.close();
  await fake?.close();
  await database?.drop();
});

type Provider = 'stripe' | 'simulated';

/** An order of one line paid by one card through `provider` (registered at the fake Stripe when Stripe). */
function cardOrder(provider: Provider, priceMinor: number): OrderRecordedData {
  const order = orderData({ lines: [{ sku: 'SKU-R', quantity: 1, unitPriceMinor: priceMinor }], payments: [{ method: 'CARD', capturedMinor: priceMinor }] });
  if (provider === 'stripe') {
    const reference = `pi_${order.orderId.slice(4).toLowerCase()}`;
    order.payments = order.payments.map((payment) => ({ ...payment, provider: 'stripe', providerReference: reference }));
    fake.addPayment({ id: reference, amountMinor: priceMinor, currency: 'usd' });
  }
  return order;
}

/** Runs the executor until the refund's tenders are settled. */
async function settle(refundId: string): Promise<void> {
  for (let round = 0; round < 50; round++) {
    await dueNow(database.db, [refundId]);
    await executor.runOnce();
    const { rowCount } = await database.db.query(`SELECT 1 FROM refunds.refund_tenders WHERE refund_id = $1 AND status IN ('PENDING', 'SUBMITTED')`, [
      refundId,
    ]);
    if (rowCount === 0) return;
  }
  throw new Error(`refund ${refundId} did not settle`);
}

/** A refund at receipt of a whole return, paid through `provider`; its memo booked by the credit-memo consumer unless `book` is false. */
async function paidRefund(provider: Provider, priceMinor: number, book = true): Promise<{ refundId: string; orderId: string }> {
  const order = cardOrder(provider, priceMinor);
  await rig.recordOrder(order);
  const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
  await deliver(rig.returnRefunds, receivedEvent(ret));
  const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
  if (!refund) throw new Error('no refund');
  await settle(refund.id);
  if (book) await bookMemo(refund.id);
  return { refundId: refund.id, orderId: order.orderId };
}

/** Delivers the refund's RefundSucceeded to the credit-memo consumer: the ERP books it as the pipeline would. */
async function bookMemo(refundId: string): Promise<void> {
  const [succeeded] = await outboxEvents(database.db, RefundSucceeded.type, [refundId]);
  if (!succeeded) throw new Error(`no RefundSucceeded for ${refundId}`);
  await deliver(directRunner(database.db, creditMemosConsumer()), succeeded);
  // The consumer queues the posting; the posting worker books it.
  await new CreditMemoPoster(database.db, erp).runOnce();
}

/** A memo posted straight into the ERP (not from our pipeline), with one line making up its total. */
async function postMemo(refundId: string, orderId: string, totalMinor: number, currency = 'USD'): Promise<string> {
  const posting = await erp.postCreditMemo({
    refundId,
    orderId,
    returnId: null,
    currency,
    lines: [{ description: 'planted', netMinor: totalMinor, taxMinor: 0 }],
    shippingMinor: 0,
    shippingTaxMinor: 0,
    restockingFeeMinor: 0,
    totalMinor,
    tenders: [{ method: 'ORIGINAL_PAYMENT', amountMinor: totalMinor }],
    occurredAt: new Date().toISOString(),
  });
  return posting.erpReference;
}

const RUN = `mutation($input: RunReconciliationInput!, $key: String!) { runReconciliation(input: $input, idempotencyKey: $key) {
  run { id status erpStatus providerStatuses { provider status } warnings refundsChecked exceptionsFound exceptionsNew exceptionsResolved }
  userErrors { code field message } } }`;
const EXCEPTIONS = `query($status: ReconciliationExceptionStatus, $first: Int, $after: String) { reconciliationExceptions(status: $status, first: $first, after: $after) {
  nodes { id code sides provider refundId tenderId providerRefundId erpReference message status evidence { graph provider erp } lastSeenRunId resolvedRunId }
  pageInfo { hasNextPage endCursor } } }`;

interface RunAnswer {
  run: {
    id: string;
    status: string;
    erpStatus: string;
    providerStatuses: { provider: string; status: string }[];
    warnings: string[];
    refundsChecked: number;
    exceptionsFound: number;
    exceptionsNew: number;
    exceptionsResolved: number;
  } | null;
  userErrors: { code: string; field: string[]; message: string }[];
}
interface ExceptionNode {
  id: string;
  code: string;
  sides: string | null;
  provider: string | null;
  refundId: string | null;
  tenderId: string | null;
  providerRefundId: string | null;
  erpReference: string | null;
  message: string;
  status: string;
  evidence: { graph: string | null; provider: string | null; erp: string | null };
  lastSeenRunId: string;
  resolvedRunId: string | null;
}

async function run(principal: Principal, from: Date | string, to: Date | string, key = `recon-${newId('evt')}`) {
  const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value);
  return subgraphRequest<{ runReconciliation: RunAnswer }>(subgraph.url, principal, RUN, { input: { from: iso(from), to: iso(to) }, key });
}

async function exceptions(status: 'OPEN' | 'RESOLVED' | null): Promise<ExceptionNode[]> {
  const all: ExceptionNode[] = [];
  let after: string | null = null;
  for (;;) {
    const response: Awaited<
      ReturnType<typeof subgraphRequest<{ reconciliationExceptions: { nodes: ExceptionNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>>
    > = await subgraphRequest(subgraph.url, principals.finance(), EXCEPTIONS, { status, first: 3, after });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    const page = response.data?.reconciliationExceptions;
    all.push(...(page?.nodes ?? []));
    if (!page?.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
}

/** What names an exception in assertions: its code, sides and the ids of each side. */
const identity = (e: Pick<ExceptionNode, 'code' | 'sides' | 'refundId' | 'providerRefundId' | 'erpReference'>) =>
  `${e.code}|${e.sides ?? '-'}|${e.refundId ?? '-'}|${e.providerRefundId ?? '-'}|${e.erpReference ?? '-'}`;

describe('three-way reconciliation', () => {
  const planted: string[] = [];
  let paidNotBooked: { refundId: string; orderId: string };
  let firstRunId: string;

  it('finds each planted mismatch and nothing else', async () => {
    // Clean refunds: paid and booked, through Stripe and through the simulated gateway.
    for (const [provider, price] of [
      ['stripe', 1_000],
      ['stripe', 2_500],
      ['simulated', 1_200],
      ['simulated', 3_300],
    ] as const) {
      await paidRefund(provider, price);
    }

    // Paid by Stripe, never booked.
    paidNotBooked = await paidRefund('stripe', 4_100, false);
    const [pnbTender] = (
      await database.db.query<{ provider_refund_id: string }>(`SELECT provider_refund_id FROM refunds.refund_tenders WHERE refund_id = $1`, [
        paidNotBooked.refundId,
      ])
    ).rows;
    planted.push(
      identity({
        code: 'PAID_NOT_BOOKED',
        sides: null,
        refundId: paidNotBooked.refundId,
        providerRefundId: pnbTender?.provider_refund_id ?? null,
        erpReference: null,
      }),
    );

    // Booked, but the provider refused the refund: the memo stands for money that never went out.
    simulated.injectFaults('settle-failed');
    const failed = await paidRefund('simulated', 1_700, false);
    const failedMemo = await postMemo(failed.refundId, failed.orderId, 1_700);
    planted.push(identity({ code: 'BOOKED_NOT_PAID', sides: null, refundId: failed.refundId, providerRefundId: null, erpReference: failedMemo }));

    // The ERP booked another amount, and (for another refund) another currency.
    const short = await paidRefund('simulated', 2_000, false);
    const shortMemo = await postMemo(short.refundId, short.orderId, 1_990);
    planted.push(identity({ code: 'AMOUNT_DIFFERS', sides: 'GRAPH_ERP', refundId: short.refundId, providerRefundId: null, erpReference: shortMemo }));
    const euros = await paidRefund('stripe', 2_200, false);
    const euroMemo = await postMemo(euros.refundId, euros.orderId, 2_200, 'EUR');
    planted.push(identity({ code: 'CURRENCY_DIFFERS', sides: 'GRAPH_ERP', refundId: euros.refundId, providerRefundId: null, erpReference: euroMemo }));

    // The graph's tender says another amount than Stripe paid (the refund and its memo agree).
    const drifted = await paidRefund('stripe', 1_500);
    const { rows: driftedTender } = await database.db.query<{ provider_refund_id: string }>(
      `UPDATE refunds.refund_tenders SET amount_minor = 1499 WHERE refund_id = $1 RETURNING provider_refund_id`,
      [drifted.refundId],
    );
    planted.push(
      identity({
        code: 'AMOUNT_DIFFERS',
        sides: 'GRAPH_PROVIDER',
        refundId: drifted.refundId,
        providerRefundId: driftedTender[0]?.provider_refund_id ?? null,
        erpReference: null,
      }),
    );

    // Someone refunded in Stripe's Dashboard: a refund no tender initiated.
    const dashboardPayment = `pi_${newId('pay').slice(4).toLowerCase()}`;
    fake.addPayment({ id: dashboardPayment, amountMinor: 900, currency: 'usd' });
    const dashboard = await fetch(`${fake.url}/v1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${FAKE_STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payment_intent: dashboardPayment, amount: '900' }).toString(),
    });
    const dashboardRefund = (await dashboard.json()) as { id: string };
    planted.push(identity({ code: 'UNKNOWN_PROVIDER_REFUND', sides: null, refundId: null, providerRefundId: dashboardRefund.id, erpReference: null }));

    // The graph says SUCCEEDED for a Stripe refund Stripe never made (written straight into the graph).
    const ghost = newId('rfd');
    await database.db.query(`INSERT INTO refunds.refunds (id, order_id, status, amount_minor, currency) VALUES ($1, $2, 'SUCCEEDED', 800, 'USD')`, [
      ghost,
      newId('ord'),
    ]);
    await database.db.query(
      `INSERT INTO refunds.refund_tenders (id, refund_id, position, method, payment_id, provider, payment_reference, amount_minor, status, provider_refund_id)
       VALUES ($1, $2, 0, 'ORIGINAL_PAYMENT', $3, 'stripe', 'pi_ghost', 800, 'SUCCEEDED', 're_ghost')`,
      [newId('rft'), ghost, newId('pay')],
    );
    planted.push(identity({ code: 'MISSING_AT_PROVIDER', sides: null, refundId: ghost, providerRefundId: 're_ghost', erpReference: null }));

    const response = await run(principals.finance(), started, new Date());
    expect(response.errors).toBeUndefined();
    const answer = response.data?.runReconciliation;
    expect(answer?.userErrors).toEqual([]);
    expect(answer?.run).toMatchObject({
      status: 'COMPLETED',
      erpStatus: 'OK',
      refundsChecked: 10,
      exceptionsFound: 7,
      exceptionsNew: 7,
      exceptionsResolved: 0,
      warnings: [],
    });
    expect(answer?.run?.providerStatuses).toEqual(
      expect.arrayContaining([
        { provider: 'stripe', status: 'OK' },
        { provider: 'simulated', status: 'OK' },
      ]),
    );
    firstRunId = answer?.run?.id as string;

    const open = await exceptions('OPEN');
    expect(open.map(identity).sort()).toEqual([...planted].sort());
    // Each carries the evidence of each side, null where a side has nothing.
    const missing = open.find((e) => e.code === 'MISSING_AT_PROVIDER');
    expect(JSON.parse(missing?.evidence.graph ?? 'null')).toMatchObject({ refundId: ghost, tender: { providerRefundId: 're_ghost', status: 'SUCCEEDED' } });
    expect(missing?.evidence.provider).toBeNull();
    const currency = open.find((e) => e.code === 'CURRENCY_DIFFERS');
    expect(JSON.parse(currency?.evidence.erp ?? 'null')).toMatchObject({ currency: 'EUR', totalMinor: 2_200, erpReference: euroMemo });
    expect(JSON.parse(currency?.evidence.graph ?? 'null')).toMatchObject({ currency: 'USD', amountMinor: 2_200 });
    const unknown = open.find((e) => e.code === 'UNKNOWN_PROVIDER_REFUND');
    expect(JSON.parse(unknown?.evidence.provider ?? 'null')).toMatchObject({ provider: 'stripe', amountMinor: 900, currency: 'USD', reference: null });
    expect(unknown?.evidence.graph).toBeNull();
  });

  it('finds the same exceptions again on a rerun, without duplicating them', async () => {
    const response = await run(principals.finance(), started, new Date());
    expect(response.data?.runReconciliation.run).toMatchObject({ status: 'COMPLETED', exceptionsFound: 7, exceptionsNew: 0, exceptionsResolved: 0 });
    const all = await exceptions(null);
    expect(all.map(identity).sort()).toEqual([...planted].sort());
    expect(all.every((e) => e.status === 'OPEN' && e.lastSeenRunId === response.data?.runReconciliation.run?.id)).toBe(true);
  });

  it('replays a run for the same key instead of running again', async () => {
    const key = `recon-${newId('evt')}`;
    const to = new Date();
    const first = await run(principals.finance(), started, to, key);
    const again = await run(principals.finance(), started, to, key);
    expect(again.data?.runReconciliation.run?.id).toBe(first.data?.runReconciliation.run?.id);
    const other = await run(principals.finance(), started, new Date(to.getTime() - 1_000), key);
    expect(other.data?.runReconciliation.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_PARAMETER_MISMATCH']);
  });

  it('resolves a fixed mismatch on the next run over its window', async () => {
    await bookMemo(paidNotBooked.refundId);
    const response = await run(principals.finance(), started, new Date());
    const answer = response.data?.runReconciliation.run;
    expect(answer).toMatchObject({ status: 'COMPLETED', exceptionsFound: 6, exceptionsNew: 0, exceptionsResolved: 1 });
    const resolved = await exceptions('RESOLVED');
    expect(resolved.map((e) => [e.code, e.refundId, e.resolvedRunId])).toEqual([['PAID_NOT_BOOKED', paidNotBooked.refundId, answer?.id]]);
    expect((await exceptions('OPEN')).map(identity).sort()).toEqual(planted.filter((p) => !p.startsWith('PAID_NOT_BOOKED')).sort());
    expect(firstRunId).toMatch(/^rcn_/);
  });

  it('lists its runs newest first, paged', async () => {
    const QUERY = `query($after: String) { reconciliationRuns(first: 2, after: $after) { nodes { id status trigger requestedBy } pageInfo { hasNextPage endCursor } } }`;
    type Page = {
      reconciliationRuns: {
        nodes: { id: string; status: string; trigger: string; requestedBy: string }[];
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    const first = await subgraphRequest<Page>(subgraph.url, principals.operations(), QUERY, { after: null });
    const second = await subgraphRequest<Page>(subgraph.url, principals.operations(), QUERY, { after: first.data?.reconciliationRuns.pageInfo.endCursor });
    const ids = [...(first.data?.reconciliationRuns.nodes ?? []), ...(second.data?.reconciliationRuns.nodes ?? [])].map((n) => n.id);
    expect(new Set(ids).size).toBe(4);
    expect(first.data?.reconciliationRuns.nodes[0]).toMatchObject({ trigger: 'ON_DEMAND', requestedBy: 'user:finance', status: 'COMPLETED' });
    expect(first.data?.reconciliationRuns.pageInfo.hasNextPage).toBe(true);
  });
});

describe('who may reconcile, and what a window may be', () => {
  it.each([
    ['customer', principals.customer('cus_x')],
    ['store associate', principals.storeAssociate('loc_store_1')],
  ])('refuses a %s with FORBIDDEN and runs nothing', async (_, principal) => {
    const before = await database.db.query(`SELECT 1 FROM refunds.reconciliation_runs`);
    const response = await run(principal, started, new Date());
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(response.data?.runReconciliation ?? null).toBeNull();
    const list = await subgraphRequest(subgraph.url, principal, EXCEPTIONS, { status: null, first: 1, after: null });
    expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await database.db.query(`SELECT 1 FROM refunds.reconciliation_runs`)).rowCount).toBe(before.rowCount);
  });

  it.each([
    ['a window ending before it starts', new Date(Date.now() - 1_000), new Date(Date.now() - 2_000), 'INVALID_WINDOW'],
    ['an empty window', new Date(Date.now() - 1_000), new Date(Date.now() - 1_000), 'INVALID_WINDOW'],
    ['a window ending in the future', new Date(Date.now() - 60_000), new Date(Date.now() + 3_600_000), 'INVALID_WINDOW'],
    ['a window of 32 days', new Date(Date.now() - 32 * 86_400_000), new Date(), 'WINDOW_TOO_LONG'],
  ])('refuses %s with a userError and queues no run', async (_, from, to, code) => {
    const before = (await database.db.query(`SELECT 1 FROM refunds.reconciliation_runs`)).rowCount;
    const response = await run(principals.finance(), from, to);
    expect(response.data?.runReconciliation).toEqual({ run: null, userErrors: [expect.objectContaining({ code })] });
    expect((await database.db.query(`SELECT 1 FROM refunds.reconciliation_runs`)).rowCount).toBe(before);
  });

  it('refuses a date that is not an ISO-8601 instant as bad input', async () => {
    const response = await run(principals.finance(), 'yesterday', new Date());
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('sides that cannot be read', () => {
  it('says so on the run and neither invents nor resolves what needs them', async () => {
    const openBefore = (await exceptions('OPEN')).map(identity).sort();
    const listless: ErpConnector = { postStockMovements: (m) => erp.postStockMovements(m), postCreditMemo: (m) => erp.postCreditMemo(m) };
    const reconciler = new Reconciler(database.db, { gateways: [stripe], fallback: simulated, erp: listless });
    fake.injectFault('http_500');
    const runId = await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window: { from: started, to: new Date() } });
    const result = await reconciler.execute(runId);
    expect(result).toMatchObject({ status: 'PARTIAL', erp_status: 'UNSUPPORTED', exceptions_resolved: 0 });
    expect(result?.provider_statuses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'stripe', status: 'UNAVAILABLE' }),
        expect.objectContaining({ provider: 'simulated', status: 'OK' }),
      ]),
    );
    expect(result?.warnings).toEqual([expect.stringContaining('stripe refunds could not be read'), expect.stringContaining('cannot list its credit memos')]);
    // Only what needs neither Stripe nor the ERP could be found; everything open stays open.
    expect(result?.exceptions_found).toBe(0);
    expect((await exceptions('OPEN')).map(identity).sort()).toEqual(openBefore);
  });
});

describe('providers without a connector', () => {
  it('reports their tenders as unchecked, still compares what needs only the ERP, and resolves nothing of theirs', async () => {
    const openBefore = (await exceptions('OPEN')).map(identity).sort();
    const reconciler = new Reconciler(database.db, { gateways: [], erp });
    const runId = await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window: { from: started, to: new Date() } });
    const result = await reconciler.execute(runId);
    expect(result).toMatchObject({ status: 'PARTIAL', erp_status: 'OK', exceptions_new: 0, exceptions_resolved: 0 });
    expect(result?.provider_statuses).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'stripe', status: 'UNSUPPORTED', message: expect.stringContaining('no payment connector') }),
        expect.objectContaining({ provider: 'simulated', status: 'UNSUPPORTED' }),
      ]),
    );
    // The memo of another amount and the memo in euros need only the graph and the ERP.
    expect(result?.exceptions_found).toBe(2);
    expect((await exceptions('OPEN')).map(identity).sort()).toEqual(openBefore);
  });
});

describe('window edges', () => {
  it('does not report a refund of the window whose memo was posted just after it', async () => {
    const order = cardOrder('simulated', 1_100);
    await rig.recordOrder(order);
    const ret = await rig.authorize(order, [{ line: 0, quantity: 1 }]);
    await deliver(rig.returnRefunds, receivedEvent(ret));
    const [refund] = await refundsOf(database.db, { returnId: ret.returnId });
    if (!refund) throw new Error('no refund');
    await settle(refund.id);
    // The window is the refund's millisecond: it ends right after the refund was created (earlier refunds of this file lie before it).
    const { rows } = await database.db.query<{ at: Date }>(`SELECT created_at AS at FROM refunds.refunds WHERE id = $1`, [refund.id]);
    const createdMs = (rows[0]?.at as Date).getTime();
    const window = { from: new Date(createdMs), to: new Date(createdMs + 1) };
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Straight into the ERP: our own memo table keeps no trace that would widen the window read.
    await postMemo(refund.id, order.orderId, 1_100);

    const strict = new Reconciler(database.db, { gateways: [stripe], fallback: simulated, erp }, { graceMs: 0 });
    const strictRun = await strict.execute(await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window }));
    const lenient = new Reconciler(database.db, { gateways: [stripe], fallback: simulated, erp });
    const lenientRun = await lenient.execute(await createRun(database.db, { trigger: 'ON_DEMAND', requestedBy: 'test', window }));

    // Without a grace period the memo falls outside the window read and the refund looks unbooked; with it, nothing is wrong.
    expect(strictRun).toMatchObject({ status: 'COMPLETED', refunds_checked: 1, exceptions_found: 1 });
    expect(lenientRun).toMatchObject({ status: 'COMPLETED', refunds_checked: 1, exceptions_found: 0, exceptions_resolved: 1 });
  });
});
