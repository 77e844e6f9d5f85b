import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../test/support/subgraph-client';
import { principals } from '../../test/support/principals';
import { testSubgraph } from '../../test/support/subgraphs';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { newId } from '../../platform/ids';

let database: TestDatabase;
let subgraph: RunningSubgraph;
const orderId = newId('ord');
const returnId = newId('ret');
const refundId = newId('rfd');

beforeAll(async () => {
  database = await createTestDatabase();
  subgraph = await startSubgraph(testSubgraph('refunds', database.db), { db: database.db, internalTokens: testInternalTokens, port: 0 });
  // No flow creates refunds yet (the refunds issue adds it), so rows are written directly.
  await database.db.query(
    `INSERT INTO refunds.refunds (id, order_id, return_id, status, amount_minor, currency, customer_id) VALUES ($1, $2, $3, 'SUCCEEDED', 4599, 'USD', 'cus_a')`,
    [refundId, orderId, returnId],
  );
  await database.db.query(
    `INSERT INTO refunds.credit_memos (refund_id, status, amount_minor, tax_minor, currency, erp_reference, posted_at) VALUES ($1, 'POSTED', 4599, 341, 'USD', 'CM-1', now())`,
    [refundId],
  );
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

describe('refunds subgraph', () => {
  it('shows a refund with its amount as a decimal string and its credit memo', async () => {
    const response = await subgraphRequest<{
      refund: { amount: { amount: string; currencyCode: string }; creditMemo: { status: string; tax: { amount: string } } };
    }>(
      subgraph.url,
      principals.finance(),
      `{ refund(id: "${refundId}") { status amount { amount currencyCode } creditMemo { status tax { amount } erpReference } } }`,
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.refund.amount).toEqual({ amount: '45.99', currencyCode: 'USD' });
    expect(response.data?.refund.creditMemo.status).toBe('POSTED');
    expect(response.data?.refund.creditMemo.tax.amount).toBe('3.41');
  });

  it('contributes Order.refunds and Return.refunds, hidden from another customer', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { refunds { id } } ... on Return { refunds { id } } } }`;
    const reps = [
      { __typename: 'Order', id: orderId },
      { __typename: 'Return', id: returnId },
    ];
    const own = await subgraphRequest<{ _entities: { refunds: { id: string }[] }[] }>(subgraph.url, principals.customer('cus_a'), query, { reps });
    expect(own.data?._entities.map((e) => e.refunds.map((r) => r.id))).toEqual([[refundId], [refundId]]);
    const other = await subgraphRequest<{ _entities: { refunds: { id: string }[] }[] }>(subgraph.url, principals.customer('cus_b'), query, { reps });
    expect(other.data?._entities.map((e) => e.refunds.length)).toEqual([0, 0]);
  });

  it('refuses a negative refund amount in SQL', async () => {
    await expect(
      database.db.query(`INSERT INTO refunds.refunds (id, order_id, status, amount_minor, currency) VALUES ($1, $2, 'PENDING', -1, 'USD')`, [
        newId('rfd'),
        orderId,
      ]),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
