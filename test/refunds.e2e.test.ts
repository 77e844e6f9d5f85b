import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { ago, lineInput, mutateOk, newKey, recordOrder, type RecordedOrder } from './support/returns-kit';

/** Refunds through the gateway: manual refunds by finance, the federated refund fields, reconciliation, a refund at inspection. */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

/** How long the pipeline may take to pay a refund and post its memo (settlement 300 ms, polls of 200 ms to 1 s). */
const SETTLE_WAIT_MS = 20_000;
const POLL_MS = 100;

/** Polls `read` until `done` holds, failing with the last value after `SETTLE_WAIT_MS`. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + SETTLE_WAIT_MS;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    value = await read();
  }
  return value;
}

/** Records an order and waits until the refunds subgraph knows it too. */
async function recordForRefunds(spec: Parameters<typeof recordOrder>[2]): Promise<RecordedOrder> {
  const order = await recordOrder(t, t.database.db, spec);
  await eventually(
    'the refunds snapshot',
    () => t.database.db.query(`SELECT 1 FROM refunds.order_snapshots WHERE order_id = $1`, [order.id]),
    (r) => r.rowCount === 1,
  );
  return order;
}

const ISSUE = `mutation($input: IssueRefundInput!, $key: String!) { issueRefund(input: $input, idempotencyKey: $key) {
  refund { id status amount { amount currencyCode } overridden reason requestedBy approvalState trigger refundMethod
    breakdown { lines { kind sku quantity merchandise { amount } discount { amount } tax { amount } total { amount } } merchandise { amount } discount { amount } total { amount } }
    tenders { method provider amount { amount } status } }
  userErrors { code field message } } }`;
type Issued = { issueRefund: { refund: { id: string; [field: string]: unknown } | null; userErrors: { code: string }[] } };

const REFUND = `query($id: ID!) { refund(id: $id) { id status tenders { status providerRefundId attempts } creditMemo { status erpReference amount { amount } } } }`;
type RefundView = {
  refund: {
    id: string;
    status: string;
    tenders: { status: string; providerRefundId: string | null }[];
    creditMemo: { status: string; erpReference: string | null } | null;
  } | null;
};

const newCustomer = () => `cus_t_${randomUUID().slice(0, 8)}`;

describe('manual refunds by finance', () => {
  it('issues a refund with an override and a reason, replays it by key, pays it, posts its memo and reconciles the order', async () => {
    const order = await recordForRefunds({ customerId: newCustomer(), lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 2, unitPrice: '20.00' }] });
    const finance = principals.finance();
    const key = newKey('issue');
    const input = {
      orderId: order.id,
      lines: [{ orderLineId: order.lines[0]?.id, quantity: 1 }],
      amount: '15.00',
      reason: 'Box scuffed; customer keeps the tag',
    };
    const issued = await t.query<Issued>(finance, ISSUE, { input, key });
    expect(issued.errors).toBeUndefined();
    expect(issued.data?.issueRefund.userErrors).toEqual([]);
    const refund = issued.data?.issueRefund.refund;
    expect(refund).toMatchObject({
      status: 'PENDING',
      amount: { amount: '15.00', currencyCode: 'USD' },
      overridden: true,
      reason: 'Box scuffed; customer keeps the tag',
      requestedBy: 'user:finance',
      approvalState: 'NOT_REQUIRED',
      trigger: 'MANUAL',
      refundMethod: 'ORIGINAL_PAYMENT',
      breakdown: {
        lines: [
          {
            kind: 'LINE',
            sku: 'SKU-APP-002',
            quantity: 1,
            merchandise: { amount: '20.00' },
            discount: { amount: '0.00' },
            tax: { amount: '0.00' },
            total: { amount: '20.00' },
          },
          {
            kind: 'ADJUSTMENT',
            sku: null,
            quantity: 0,
            merchandise: { amount: '0.00' },
            discount: { amount: '5.00' },
            tax: { amount: '0.00' },
            total: { amount: '-5.00' },
          },
        ],
        merchandise: { amount: '20.00' },
        discount: { amount: '5.00' },
        total: { amount: '15.00' },
      },
      tenders: [{ method: 'ORIGINAL_PAYMENT', provider: 'stripe', amount: { amount: '15.00' }, status: expect.any(String) }],
    });

    // The same key replays the same refund; the same key with other input is refused.
    const replay = await t.query<Issued>(finance, ISSUE, { input, key });
    expect(replay.data?.issueRefund.refund?.id).toBe(refund?.id);
    const other = await t.query<Issued>(finance, ISSUE, { input: { ...input, amount: '14.00' }, key });
    expect(other.data?.issueRefund.userErrors.map((e) => e.code)).toEqual(['IDEMPOTENCY_KEY_PARAMETER_MISMATCH']);
    const { rows } = await t.database.db.query(`SELECT id FROM refunds.refunds WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ id: refund?.id }]);

    const settled = await eventually(
      'the refund settles and its memo is posted',
      () => t.query<RefundView>(finance, REFUND, { id: refund?.id }),
      (r) => r.data?.refund?.creditMemo?.status === 'POSTED',
    );
    expect(settled.data?.refund).toMatchObject({
      status: 'SUCCEEDED',
      tenders: [{ status: 'SUCCEEDED', providerRefundId: expect.stringMatching(/^sre_/) }],
      creditMemo: { status: 'POSTED', erpReference: expect.stringMatching(/^CM-/), amount: { amount: '15.00' } },
    });

    const viaOrder = await t.query<{ order: { refunds: { id: string; amount: { amount: string } }[] } }>(
      principals.customer(order.customerId),
      `query($id: ID!) { order(id: $id) { refunds { id amount { amount } } } }`,
      { id: order.id },
    );
    expect(viaOrder.errors).toBeUndefined();
    expect(viaOrder.data?.order.refunds).toEqual([{ id: refund?.id, amount: { amount: '15.00' } }]);

    const RECONCILE = `query($id: ID) { reconciliation(orderId: $id) { order { id } returnId captured { amount } refunded { amount } refundedOnPlatform { amount } credited { amount } mismatches { code } } }`;
    const books = await t.query<{ reconciliation: unknown[] }>(finance, RECONCILE, { id: order.id });
    expect(books.errors).toBeUndefined();
    expect(books.data?.reconciliation).toEqual([
      {
        order: { id: order.id },
        returnId: null,
        captured: { amount: '40.00' },
        refunded: { amount: '15.00' },
        refundedOnPlatform: { amount: '0.00' },
        credited: { amount: '15.00' },
        mismatches: [],
      },
    ]);
    for (const principal of [principals.customer(order.customerId), principals.storeManager(), principals.serviceDesk()] as Principal[]) {
      const refused = await t.query(principal, RECONCILE, { id: order.id });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});

describe('three-way reconciliation through the gateway', () => {
  it('runs over the last hour for finance, reading the simulated provider and the reference ERP, and finds the paid and booked refund clean', async () => {
    const RUN = `mutation($input: RunReconciliationInput!, $key: String!) { runReconciliation(input: $input, idempotencyKey: $key) {
      run { status erpStatus providerStatuses { provider status } refundsChecked exceptionsFound } userErrors { code } } }`;
    const to = new Date();
    const input = { from: new Date(to.getTime() - 3_600_000).toISOString(), to: to.toISOString() };
    type Run = {
      runReconciliation: {
        run: { status: string; erpStatus: string; providerStatuses: unknown[]; refundsChecked: number; exceptionsFound: number } | null;
        userErrors: unknown[];
      };
    };
    const response = await t.query<Run>(principals.finance(), RUN, { input, key: newKey('recon') });
    expect(response.errors).toBeUndefined();
    expect(response.data?.runReconciliation.userErrors).toEqual([]);
    expect(response.data?.runReconciliation.run).toMatchObject({ status: 'COMPLETED', erpStatus: 'OK', exceptionsFound: 0 });
    expect(response.data?.runReconciliation.run?.refundsChecked).toBeGreaterThan(0);
    // Every gateway is read: the store-credit ledger (always on) and the simulated provider.
    expect(response.data?.runReconciliation.run?.providerStatuses).toEqual([
      { provider: 'store_credit', status: 'OK' },
      { provider: 'simulated', status: 'OK' },
    ]);

    const LIST = `{ reconciliationRuns(first: 5) { nodes { status } } reconciliationExceptions(status: OPEN, first: 5) { nodes { code } } }`;
    const listed = await t.query<{ reconciliationRuns: { nodes: unknown[] }; reconciliationExceptions: { nodes: unknown[] } }>(principals.operations(), LIST);
    expect(listed.errors).toBeUndefined();
    expect(listed.data).toEqual({ reconciliationRuns: { nodes: [{ status: 'COMPLETED' }] }, reconciliationExceptions: { nodes: [] } });
    const refused = await t.query(principals.serviceDesk(), LIST);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a return refunded at inspection', () => {
  it('takes a web order back at a counter above the receipt threshold, refunds it only once inspected, and completes it', async () => {
    const order = await recordForRefunds({
      customerId: newCustomer(),
      channel: 'ECOMMERCE',
      placedAt: ago(8),
      deliveredAt: ago(5),
      lines: [
        { sku: 'SKU-FTW-002', category: 'footwear', quantity: 1, unitPrice: '180.00' },
        { sku: 'SKU-HOM-003', category: 'home', quantity: 1, unitPrice: '60.00' },
      ],
    });
    const associate = principals.storeAssociate('loc_store_nyc');
    const shoes = order.lines.find((line) => line.sku === 'SKU-FTW-002');
    const taken = await mutateOk(t, associate, 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      receiveNow: true,
      lines: [lineInput(shoes?.id as string, 1, 'STYLE')],
    });
    expect(taken).toMatchObject({ status: 'RECEIVED', value: { amount: '180.00' } });
    const lineId = taken.lines[0]?.id as string;

    // Received but worth more than 150.00: no refund yet, whatever the pipeline has delivered meanwhile.
    await eventually(
      'refunds has handled the receipt',
      () =>
        t.database.db.query(
          `SELECT 1 FROM refunds.inbox i JOIN returns.outbox o ON o.id = i.event_id
            WHERE i.consumer = 'refunds.return-refunds' AND o.aggregate_id = $1 AND o.type = 'ReturnItemsReceived'`,
          [taken.id],
        ),
      (r) => r.rowCount === 1,
    );
    const READ = `query($id: ID!) { return(id: $id) { status financialStatus refunds { id status trigger amount { amount } creditMemo { status } } } }`;
    type Read = {
      return: {
        status: string;
        financialStatus: string;
        refunds: { status: string; trigger: string; amount: { amount: string }; creditMemo: { status: string } | null }[];
      };
    };
    expect((await t.query<Read>(associate, READ, { id: taken.id })).data?.return.refunds).toEqual([]);

    await mutateOk(t, associate, 'recordInspection', {
      returnId: taken.id,
      locationId: 'loc_store_nyc',
      lines: [{ returnLineId: lineId, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
    });
    const done = await eventually(
      'the return completes',
      () => t.query<Read>(associate, READ, { id: taken.id }),
      (r) => r.data?.return.status === 'COMPLETED',
    );
    expect(done.data?.return).toEqual({
      status: 'COMPLETED',
      financialStatus: 'SETTLED',
      refunds: [{ id: expect.any(String), status: 'SUCCEEDED', trigger: 'INSPECTION', amount: { amount: '180.00' }, creditMemo: { status: 'POSTED' } }],
    });
    const { rows } = await t.database.db.query(`SELECT trigger FROM refunds.refunds WHERE return_id = $1`, [taken.id]);
    expect(rows).toEqual([{ trigger: 'INSPECTION' }]);
  });
});

describe("a return's value and its refund", () => {
  it('agree to the cent when a line discount and tax do not split evenly over its units, and the returns of the line add up to the line', async () => {
    // 3 x 10.00 less 1.00 discount plus 2.00 tax: per unit 0.34/0.33/0.33 discount and 0.67/0.67/0.66 tax.
    // Before the one allocator, a return valued its units rounding half up (10.34 for one unit, then
    // 20.66 for two) while their refunds took the largest-remainder slices (10.33, then 20.67).
    // The second line is kept, so the customer's returned share stays below the fraud threshold.
    const order = await recordForRefunds({
      customerId: newCustomer(),
      placedAt: ago(4),
      deliveredAt: ago(2),
      lines: [
        { sku: 'SKU-APP-003', category: 'apparel', quantity: 3, unitPrice: '10.00', discount: '1.00', tax: '2.00' },
        { sku: 'SKU-HOM-004', category: 'home', quantity: 1, unitPrice: '100.00' },
      ],
    });
    const associate = principals.storeAssociate('loc_store_nyc');
    const orderLineId = order.lines.find((line) => line.sku === 'SKU-APP-003')?.id as string;
    const READ = `query($id: ID!) { return(id: $id) { value { amount } refunds { amount { amount } } } }`;
    type Read = { return: { value: { amount: string }; refunds: { amount: { amount: string } }[] } };
    const seen: { value: string; refunded: string }[] = [];
    // Each return is refunded at receipt before the next is taken: both sides take the next slice of the line.
    for (const quantity of [1, 2]) {
      const taken = await mutateOk(t, associate, 'authorizeReturn', {
        orderId: order.id,
        channel: 'POS',
        storeId: 'loc_store_nyc',
        receiveNow: true,
        lines: [lineInput(orderLineId, quantity, 'UNWANTED')],
      });
      const read = await eventually(
        'the refund at receipt',
        () => t.query<Read>(associate, READ, { id: taken.id }),
        (r) => (r.data?.return.refunds.length ?? 0) === 1,
      );
      seen.push({ value: read.data?.return.value.amount as string, refunded: read.data?.return.refunds[0]?.amount.amount as string });
    }
    // 10.33 + 20.67 = 31.00, the whole line.
    expect(seen).toEqual([
      { value: '10.33', refunded: '10.33' },
      { value: '20.67', refunded: '20.67' },
    ]);
  });
});
