import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { TEST_SETTINGS } from './support/settings';
import { newKey, recordOrder, returnInStatus, mutateOk } from './support/returns-kit';
import { newId } from '../platform/ids';

/**
 * The exceptions queue through the gateway: one exception of each kind planted, each found with
 * its action, each action performed, each exception gone; paging across subgraphs; the kind filter;
 * FORBIDDEN for store and customer roles.
 *
 * Planted through real paths: the dead letter (an event inventory cannot apply until its location
 * exists; retries fast-forwarded), the refund awaiting a second approver (issueRefund above the
 * threshold), the stuck return (a real return, its last change backdated), the stock posting (the
 * replayed event's real posting, held by a paused ERP queue and aged to the threshold) and the
 * credit memo (a real refund's memo, held the same way). Planted in SQL: the FAILED refund (a held
 * refund flipped as the provider would) and the reconciliation mismatch (a run's finding).
 */
let t: TestGraph;

const STUCK_AFTER_HOURS = 24;
const WAIT_MS = 20_000;

beforeAll(async () => {
  t = await startTestGraph({
    seed: false,
    settings: {
      ...TEST_SETTINGS,
      returns: { ...TEST_SETTINGS.returns, stuckAfterHours: STUCK_AFTER_HOURS },
      refunds: { ...TEST_SETTINGS.refunds, secondApproverAboveMinor: 1_000 },
    },
  });
  // An ERP outage for both posting queues: what is queued stays queued until a person retries.
  await t.database.db.query(`UPDATE refunds.erp_posting_queue SET paused_until = now() + interval '1 hour'`);
  await t.database.db.query(`UPDATE inventory.erp_posting_queue SET paused_until = now() + interval '1 hour'`);
}, 60_000);

afterAll(async () => {
  await t.close();
});

async function until<T>(what: string, read: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const row = async <T>(sql: string, params: unknown[] = []) => (await t.database.db.query<T & Record<string, unknown>>(sql, params)).rows[0];

interface Exception {
  id: string;
  kind: string;
  subgraph: string;
  summary: string;
  openedAt: string;
  ageSeconds: number;
  orderId: string | null;
  returnId: string | null;
  refundId: string | null;
  correlationId: string | null;
  evidence: { label: string; value: string }[];
  action: { kind: string; label: string; mutation: string; targetId: string };
}
interface Page {
  exceptions: {
    totalCount: number;
    edges: { cursor: string; node: Exception }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    backlog: { open: number; oldestAgeSeconds: number | null; byKind: { kind: string; count: number }[]; aging: { label: string; count: number }[] };
  };
}

const EXCEPTIONS = `query($first: Int, $after: String, $kind: ExceptionKind) { exceptions(first: $first, after: $after, kind: $kind) {
  totalCount pageInfo { hasNextPage endCursor }
  backlog { open oldestAgeSeconds byKind { kind count } aging { label count } }
  edges { cursor node { id kind subgraph summary openedAt ageSeconds orderId returnId refundId correlationId evidence { label value }
    action { kind label mutation targetId } } } } }`;

async function page(variables: { first?: number; after?: string | null; kind?: string }, as = principals.operations()) {
  const response = await t.query<Page>(as, EXCEPTIONS, variables);
  expect(response.errors).toBeUndefined();
  return response.data!.exceptions;
}

/** Every open exception of a kind (one page of 100 is plenty here). */
const ofKind = async (kind: string) => (await page({ first: 50, kind })).edges.map((edge) => edge.node);

/** The one exception of `kind` whose action targets `targetId`. */
async function find(kind: string, targetId: string): Promise<Exception | undefined> {
  return (await ofKind(kind)).find((node) => node.action.targetId === targetId);
}

async function run(mutationDocument: string, variables: Record<string, unknown>, as = principals.operations()) {
  const response = await t.query<Record<string, { userErrors: { code: string }[] }>>(as, mutationDocument, variables);
  expect(response.errors).toBeUndefined();
  const payload = Object.values(response.data ?? {})[0];
  expect(payload?.userErrors).toEqual([]);
  return response.data;
}

const ISSUE = `mutation($input: IssueRefundInput!, $key: String!) { issueRefund(input: $input, idempotencyKey: $key) { refund { id approvalState } userErrors { code } } }`;

describe('the exceptions queue', () => {
  const planted: Record<string, string> = {};
  let orderId: string;

  beforeAll(async () => {
    // A refund order known to refunds.
    const order = await recordOrder(t, t.database.db, {
      customerId: `cus_x_${Date.now()}`,
      lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 3, unitPrice: '20.00' }],
    });
    orderId = order.id;
    await until('the refunds snapshot', async () => row(`SELECT 1 AS one FROM refunds.order_snapshots WHERE order_id = $1`, [order.id]));
    const lineId = order.lines[0]?.id;
    const issue = async (amount: string, requester = principals.finance()) => {
      const response = await t.query<{ issueRefund: { refund: { id: string; approvalState: string } } }>(requester, ISSUE, {
        input: { orderId: order.id, lines: [{ orderLineId: lineId, quantity: 1 }], amount, reason: 'exceptions queue test' },
        key: newKey('issue'),
      });
      expect(response.errors).toBeUndefined();
      return response.data!.issueRefund.refund;
    };
    // Above the 10.00 threshold: waits for a second approver.
    planted.awaiting = (await issue('15.00')).id;
    // Below it (another requester: the threshold sums one requester's refunds of an order): paid by
    // the simulated provider; its memo is queued behind the paused ERP queue.
    planted.memo = (await issue('5.00', { ...principals.finance(), subject: 'user:finance-b' })).id;
    await until('the memo queued', async () =>
      row(`SELECT 1 AS one FROM refunds.credit_memos WHERE refund_id = $1 AND status = 'QUEUED' AND memo IS NOT NULL`, [planted.memo]),
    );
    await t.database.db.query(`UPDATE refunds.credit_memos SET attempts = 5, last_error = 'ErpUnavailableError: 503' WHERE refund_id = $1`, [planted.memo]);
    // Held by four eyes, then refused by the provider (as the simulated provider reports it).
    const failed = await issue('12.00');
    planted.failed = failed.id;
    await t.database.db.query(`UPDATE refunds.refund_tenders SET status = 'FAILED', last_error = 'simulated_failure', attempts = 1 WHERE refund_id = $1`, [
      failed.id,
    ]);
    await t.database.db.query(
      `UPDATE refunds.refunds SET status = 'FAILED', failure_reason = 'simulated_failure', approval_state = 'APPROVED', approved_by = 'user:second' WHERE id = $1`,
      [failed.id],
    );
    // A reconciliation finding.
    const runId = newId('rcn');
    await t.database.db.query(
      `INSERT INTO refunds.reconciliation_runs (id, trigger, requested_by, window_from, window_to, status, finished_at)
       VALUES ($1, 'ON_DEMAND', 'user:finance', now() - interval '1 day', now(), 'COMPLETED', now())`,
      [runId],
    );
    const mismatch = await row<{ id: string }>(
      `INSERT INTO refunds.reconciliation_exceptions (match_key, code, provider, needs_erp, refund_id, anchor_at, message, evidence, status,
         first_seen_run, last_seen_run, first_seen_at, last_seen_at)
       VALUES ($1, 'PAID_NOT_BOOKED', 'simulated', true, $2, now(), 'Paid at the provider, no credit memo in the ERP',
         '{"graph": {"amountMinor": 500}, "provider": {"amountMinor": 500}, "erp": null}', 'OPEN', $3, $3, now(), now()) RETURNING id::text AS id`,
      [`test:${runId}`, planted.memo, runId],
    );
    planted.mismatch = mismatch!.id;
    // A return stuck past the policy age.
    const stuck = await returnInStatus(t, t.database.db, 'AUTHORIZED');
    planted.stuck = stuck.ret.id;
    await t.database.db.query(`UPDATE returns.returns SET updated_at = now() - interval '30 hours' WHERE id = $1`, [stuck.ret.id]);
    // An event inventory cannot apply: its location is unknown to inventory (retries fast-forwarded).
    planted.event = newId('evt');
    planted.location = `loc_exc_${Date.now()}`;
    const returnId = newId('ret');
    await t.database.db.query(
      `INSERT INTO returns.outbox (id, type, version, source, aggregate_id, correlation_id, data) VALUES ($1, 'ReturnAuthorized', 1, 'returns', $2, 'corr-exceptions-test', $3)`,
      [
        planted.event,
        returnId,
        {
          returnId,
          orderId: newId('ord'),
          number: 'RMA-999001',
          status: 'AUTHORIZED',
          previousStatus: 'REQUESTED',
          revision: 2,
          channel: 'ECOMMERCE',
          storeId: null,
          customerId: 'cus_x',
          partnerId: null,
          destinationLocationId: planted.location,
          refundMethod: 'ORIGINAL_PAYMENT',
          valueMinor: 1000,
          currency: 'USD',
          fraudOutcome: 'APPROVE',
          lines: [
            {
              returnLineId: newId('rli'),
              orderLineId: newId('oli'),
              sku: 'SKU-APP-002',
              quantity: 1,
              reason: 'UNWANTED',
              netValueMinor: 1000,
              restockingFeeMinor: 0,
            },
          ],
        },
      ],
    );
    t.graph.events.wake('returns');
    const dead = await until('the event dead-lettered', async () => {
      await t.database.db.query(`UPDATE inventory.pending_deliveries SET next_attempt_at = now() WHERE event_id = $1`, [planted.event]);
      return row<{ id: string }>(`SELECT id::text AS id FROM inventory.dead_letters WHERE event_id = $1 AND status = 'DEAD'`, [planted.event]);
    });
    planted.deadLetter = dead.id;
  }, 90_000);

  it('lists each kind with its evidence and the action that resolves it', async () => {
    const awaiting = await find('REFUND_AWAITING_APPROVAL', planted.awaiting!);
    expect(awaiting).toMatchObject({ subgraph: 'refunds', refundId: planted.awaiting, orderId, action: { kind: 'APPROVE_REFUND', mutation: 'approveRefund' } });
    expect(awaiting?.evidence).toContainEqual({ label: 'Requested by', value: 'user:finance' });
    expect(awaiting?.evidence).toContainEqual({ label: 'Amount', value: '15.00 USD' });

    const failed = await find('REFUND_FAILED', planted.failed!);
    expect(failed).toMatchObject({ subgraph: 'refunds', action: { kind: 'RETRY_REFUND', mutation: 'retryRefund', targetId: planted.failed } });
    expect(failed?.evidence).toContainEqual({ label: 'Error', value: 'simulated_failure' });
    expect(failed?.correlationId).toEqual(expect.any(String));

    const memo = await find('CREDIT_MEMO_FAILED', planted.memo!);
    expect(memo).toMatchObject({ action: { kind: 'RETRY_POSTING', mutation: 'retryCreditMemoPosting' } });
    expect(memo?.evidence).toContainEqual({ label: 'Attempts', value: '5' });

    const mismatch = await find('RECONCILIATION_MISMATCH', planted.mismatch!);
    expect(mismatch).toMatchObject({ refundId: planted.memo, action: { kind: 'RESOLVE_MISMATCH', mutation: 'resolveReconciliationException' } });
    expect(mismatch?.evidence.map((item) => item.label)).toEqual(['Code', 'Graph', 'Provider', 'ERP']);

    const stuck = await find('RETURN_STUCK', planted.stuck!);
    expect(stuck).toMatchObject({ subgraph: 'returns', returnId: planted.stuck, action: { kind: 'REVIEW_RETURN', mutation: 'returnTimeline' } });
    expect(stuck?.ageSeconds).toBeGreaterThanOrEqual(5 * 3600 - 60);

    const dead = await find('DEAD_LETTER', planted.deadLetter!);
    expect(dead).toMatchObject({
      subgraph: 'inventory',
      correlationId: 'corr-exceptions-test',
      action: { kind: 'REPLAY_DEAD_LETTER', mutation: 'replayInventoryDeadLetters' },
    });
    expect(dead?.evidence.find((item) => item.label === 'Error')?.value).toMatch(/Unknown location/);
  });

  it('pages oldest first across subgraphs, with an exact total and backlog', async () => {
    const all = await page({ first: 50 });
    expect(all.totalCount).toBe(all.edges.length);
    expect(all.backlog.open).toBe(all.totalCount);
    expect(new Set(all.edges.map((edge) => edge.node.subgraph)).size).toBeGreaterThanOrEqual(3);
    expect(all.backlog.aging.map((bucket) => bucket.label)).toEqual(['<1h', '1h-24h', '1d-7d', '>7d']);
    expect(all.backlog.aging.reduce((total, bucket) => total + bucket.count, 0)).toBe(all.totalCount);

    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const next: Page['exceptions'] = await page({ first: 2, after });
      expect(next.edges.length).toBeLessThanOrEqual(2);
      seen.push(...next.edges.map((edge) => edge.node.id));
      if (!next.pageInfo.hasNextPage) break;
      after = next.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map((edge) => edge.node.id));
    const opened = all.edges.map((edge) => Date.parse(edge.node.openedAt));
    expect(opened).toEqual([...opened].sort((a, b) => a - b));
  });

  it('filters by kind in every subgraph', async () => {
    const refunds = await page({ first: 50, kind: 'REFUND_FAILED' });
    expect(refunds.edges.length).toBeGreaterThan(0);
    expect(refunds.edges.every((edge) => edge.node.kind === 'REFUND_FAILED')).toBe(true);
    expect(refunds.totalCount).toBe(refunds.edges.length);
    expect(refunds.backlog.byKind).toEqual([{ kind: 'REFUND_FAILED', count: refunds.totalCount }]);
  });

  it('refuses store staff, customers and the service desk with FORBIDDEN, and a malformed cursor as bad input', async () => {
    for (const principal of [principals.storeManager(), principals.customer(), principals.serviceDesk(), principals.partner()]) {
      const response = await t.query(principal, EXCEPTIONS, { first: 5 });
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    const finance = await t.query<Page>(principals.finance(), EXCEPTIONS, { first: 5 });
    expect(finance.errors).toBeUndefined();
    const bad = await t.query(principals.operations(), EXCEPTIONS, { first: 5, after: 'bm90LWEtY3Vyc29y' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const tooMany = await t.query(principals.operations(), EXCEPTIONS, { first: 101 });
    expect(tooMany.errors?.[0]?.extensions?.code).toBeDefined();
    expect(tooMany.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  it('performs each action and the exception leaves the queue', async () => {
    const second = { ...principals.finance(), subject: 'user:finance-2' };
    await run(
      `mutation($input: ApproveRefundInput!, $key: String!) { approveRefund(input: $input, idempotencyKey: $key) { userErrors { code } } }`,
      {
        input: { refundId: planted.awaiting },
        key: newKey('approve'),
      },
      second,
    );
    expect(await find('REFUND_AWAITING_APPROVAL', planted.awaiting!)).toBeUndefined();

    await run(
      `mutation($input: RetryRefundInput!, $key: String!) { retryRefund(input: $input, idempotencyKey: $key) { userErrors { code } } }`,
      {
        input: { refundId: planted.failed },
        key: newKey('retry'),
      },
      principals.finance(),
    );
    expect(await find('REFUND_FAILED', planted.failed!)).toBeUndefined();

    await run(
      `mutation($input: RetryCreditMemoPostingInput!, $key: String!) { retryCreditMemoPosting(input: $input, idempotencyKey: $key) { refund { id } userErrors { code } } }`,
      { input: { postingId: planted.memo }, key: newKey('memo') },
      principals.finance(),
    );
    expect(await find('CREDIT_MEMO_FAILED', planted.memo!)).toBeUndefined();
    // The queue resumed: the memo is booked.
    await until('the memo posted', async () => row(`SELECT 1 AS one FROM refunds.credit_memos WHERE refund_id = $1 AND status = 'POSTED'`, [planted.memo]));

    await run(
      `mutation($input: ResolveReconciliationExceptionInput!, $key: String!) { resolveReconciliationException(input: $input, idempotencyKey: $key) { exception { id status } userErrors { code } } }`,
      { input: { exceptionId: planted.mismatch, note: 'Memo booked by hand in the ERP' }, key: newKey('resolve') },
      principals.finance(),
    );
    expect(await find('RECONCILIATION_MISMATCH', planted.mismatch!)).toBeUndefined();

    // Review: the person cancels the stuck return by its own lifecycle mutation.
    await mutateOk(t, principals.operations(), 'cancelReturn', { returnId: planted.stuck });
    expect(await find('RETURN_STUCK', planted.stuck!)).toBeUndefined();

    // The dead letter's cause is fixed (the location exists now), then it is replayed.
    await t.database.db.query(`INSERT INTO inventory.locations (id, name, kind) VALUES ($1, 'Exceptions test store', 'STORE')`, [planted.location]);
    await run(
      `mutation($input: ReplayDeadLettersInput!, $key: String!) { replayInventoryDeadLetters(input: $input, idempotencyKey: $key) { replays { outcome } userErrors { code } } }`,
      { input: { ids: [planted.deadLetter] }, key: newKey('replay') },
    );
    expect(await find('DEAD_LETTER', planted.deadLetter!)).toBeUndefined();
    await until('the replayed event handled', async () =>
      row(`SELECT 1 AS one FROM inventory.inbox WHERE consumer = 'inventory.return-stock' AND event_id = $1`, [planted.event]),
    );

    // Its movements now wait behind the paused ERP queue; aged to the threshold they are an exception, then retried.
    const posting = await until('the stock posting recorded', async () =>
      row<{ id: string }>(`SELECT queue_position::text AS id FROM inventory.erp_postings WHERE correlation_id = 'corr-exceptions-test'`),
    );
    await t.database.db.query(`UPDATE inventory.erp_postings SET attempts = 5, last_error = 'ErpUnavailableError: 503' WHERE queue_position = $1`, [
      Number(posting.id),
    ]);
    const stock = await find('STOCK_POSTING_FAILED', posting.id);
    expect(stock).toMatchObject({ subgraph: 'inventory', correlationId: 'corr-exceptions-test', action: { mutation: 'retryStockPosting' } });
    await run(
      `mutation($input: RetryStockPostingInput!, $key: String!) { retryStockPosting(input: $input, idempotencyKey: $key) { postingId userErrors { code } } }`,
      { input: { postingId: posting.id }, key: newKey('stock') },
    );
    expect(await find('STOCK_POSTING_FAILED', posting.id)).toBeUndefined();

    const { rows: audit } = await t.database.db.query(
      `SELECT action FROM refunds.audit_log WHERE action IN ('retryCreditMemoPosting', 'resolveReconciliationException') ORDER BY id`,
    );
    expect(audit.map((entry) => entry.action)).toEqual(['retryCreditMemoPosting', 'resolveReconciliationException']);
  }, 60_000);
});
