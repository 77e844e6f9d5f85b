import { randomUUID } from 'node:crypto';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { newKey, recordOrder, type RecordedOrder } from './support/returns-kit';

/** Store credit through the gateway: refunds as STORE_CREDIT credit the customer's ledger account, which the customer and finance read. */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

/** How long the executor may take to book a store-credit tender (polls of 200 ms, a loaded machine). */
const BOOK_WAIT_MS = 20_000;
const POLL_MS = 100;

async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + BOOK_WAIT_MS;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    value = await read();
  }
  return value;
}

async function orderOf(customerId: string): Promise<RecordedOrder> {
  const order = await recordOrder(t, t.database.db, { customerId, lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 2, unitPrice: '20.00' }] });
  await eventually(
    'the refunds snapshot',
    () => t.database.db.query(`SELECT 1 FROM refunds.order_snapshots WHERE order_id = $1`, [order.id]),
    (r) => r.rowCount === 1,
  );
  return order;
}

const ISSUE = `mutation($input: IssueRefundInput!, $key: String!) { issueRefund(input: $input, idempotencyKey: $key) { refund { id tenders { method provider } } userErrors { code } } }`;
const STORE_CREDIT = `query($id: ID!, $first: Int, $after: String) { storeCredit(customerId: $id) {
  customerId balances { amount currencyCode } entries(first: $first, after: $after) { edges { cursor node { id kind amount { amount currencyCode } } } pageInfo { hasNextPage endCursor } } } }`;
type Account = {
  storeCredit: {
    customerId: string;
    balances: { amount: string; currencyCode: string }[];
    entries: {
      edges: { cursor: string; node: { id: string; kind: string; amount: { amount: string } } }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
    };
  } | null;
};

/** Issues a manual STORE_CREDIT refund of `amount` and waits until its tender SUCCEEDED. */
async function creditOf(order: RecordedOrder, amount: string): Promise<string> {
  const issued = await t.query<{ issueRefund: { refund: { id: string; tenders: { method: string; provider: string }[] } | null } }>(
    principals.finance(),
    ISSUE,
    {
      input: { orderId: order.id, amount, reason: 'goodwill as store credit', refundMethod: 'STORE_CREDIT' },
      key: newKey('credit'),
    },
  );
  const refund = issued.data?.issueRefund.refund;
  if (!refund) throw new Error(`issueRefund failed: ${JSON.stringify(issued)}`);
  expect(refund.tenders).toEqual([{ method: 'STORE_CREDIT', provider: 'store_credit' }]);
  await eventually(
    'the store-credit tender to succeed',
    () => t.database.db.query<{ status: string }>(`SELECT status FROM refunds.refunds WHERE id = $1`, [refund.id]),
    (r) => r.rows[0]?.status === 'SUCCEEDED',
  );
  return refund.id;
}

describe('storeCredit', () => {
  it('shows a customer their balance and entries, paged newest first, after store-credit refunds', async () => {
    const customerId = `cus_sc_${randomUUID().slice(0, 8)}`;
    const order = await orderOf(customerId);
    await creditOf(order, '5.00');
    await creditOf(order, '2.50');

    const first = await t.query<Account>(principals.customer(customerId), STORE_CREDIT, { id: customerId, first: 1 });
    expect(first.errors).toBeUndefined();
    expect(first.data?.storeCredit).toMatchObject({ customerId, balances: [{ amount: '7.50', currencyCode: 'USD' }] });
    expect(first.data?.storeCredit?.entries.edges.map((edge) => [edge.node.kind, edge.node.amount.amount])).toEqual([['REFUND', '2.50']]);
    expect(first.data?.storeCredit?.entries.pageInfo.hasNextPage).toBe(true);

    const rest = await t.query<Account>(principals.finance(), STORE_CREDIT, {
      id: customerId,
      first: 5,
      after: first.data?.storeCredit?.entries.pageInfo.endCursor,
    });
    expect(rest.data?.storeCredit?.entries.edges.map((edge) => [edge.node.kind, edge.node.amount.amount])).toEqual([['REFUND', '5.00']]);
    expect(rest.data?.storeCredit?.entries.pageInfo.hasNextPage).toBe(false);
  });

  it("answers another customer's account exactly like an unknown customer's", async () => {
    const customerId = `cus_sc_${randomUUID().slice(0, 8)}`;
    await creditOf(await orderOf(customerId), '1.00');
    const stranger = principals.customer(`cus_sc_${randomUUID().slice(0, 8)}`);
    const foreign = await t.query<Account>(stranger, STORE_CREDIT, { id: customerId });
    const unknown = await t.query<Account>(stranger, STORE_CREDIT, { id: `cus_sc_unknown_${randomUUID().slice(0, 8)}` });
    expect([foreign.status, foreign.errors, foreign.data]).toEqual([200, undefined, { storeCredit: null }]);
    expect([unknown.status, unknown.errors, unknown.data]).toEqual([foreign.status, foreign.errors, foreign.data]);
  });

  it('refuses a page beyond the connection limit and a cursor it did not issue with BAD_USER_INPUT', async () => {
    const customerId = `cus_sc_${randomUUID().slice(0, 8)}`;
    await creditOf(await orderOf(customerId), '1.00');
    const tooMany = await t.query<Account>(principals.finance(), STORE_CREDIT, { id: customerId, first: 101 });
    expect(tooMany.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const forged = await t.query<Account>(principals.finance(), STORE_CREDIT, { id: customerId, after: 'bm90LWEtY3Vyc29y' });
    expect(forged.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
