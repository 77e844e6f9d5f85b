import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { subgraphRequest, testInternalTokens } from '../../test/support/subgraph-client';
import { principals } from '../../test/support/principals';
import { startSubgraph, type RunningSubgraph } from '../../platform/subgraph';
import { newId } from '../../platform/ids';
import { returnsSubgraph } from '.';
import { TEST_SETTINGS } from '../../test/support/settings';

let database: TestDatabase;
let subgraph: RunningSubgraph;
const orderA = newId('ord');
const orderB = newId('ord');
const returnA = newId('ret');
const returnB = newId('ret');

beforeAll(async () => {
  database = await createTestDatabase();
  subgraph = await startSubgraph(returnsSubgraph({ settings: TEST_SETTINGS.returns }), { db: database.db, internalTokens: testInternalTokens, port: 0 });
  // No mutation creates returns yet (the returns issue adds them), so rows are written directly.
  for (const [id, orderId, customer, at] of [
    [returnA, orderA, 'cus_a', '2026-11-01T10:00:00Z'],
    [returnB, orderB, 'cus_b', '2026-11-02T10:00:00Z'],
  ] as const) {
    await database.db.query(
      `INSERT INTO returns.returns (id, order_id, status, channel, customer_id, requested_at) VALUES ($1, $2, 'REQUESTED', 'ECOMMERCE', $3, $4)`,
      [id, orderId, customer, at],
    );
    await database.db.query(
      `INSERT INTO returns.return_lines (id, return_id, order_line_id, sku, quantity, reason) VALUES ($1, $2, $3, 'SKU-1', 1, 'UNWANTED')`,
      [newId('rli'), id, newId('oli')],
    );
  }
});

afterAll(async () => {
  await subgraph.close();
  await database.drop();
});

describe('returns subgraph', () => {
  it('contributes Order.returns for order references, scoped to the caller', async () => {
    const query = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id returns { id status lines { sku quantity reason } } } } }`;
    const reps = [orderA, orderB].map((id) => ({ __typename: 'Order', id }));
    const staff = await subgraphRequest<{ _entities: { id: string; returns: { id: string }[] }[] }>(subgraph.url, principals.serviceDesk(), query, { reps });
    expect(staff.errors).toBeUndefined();
    expect(staff.data?._entities.map((o) => o.returns.map((r) => r.id))).toEqual([[returnA], [returnB]]);

    const customer = await subgraphRequest<{ _entities: { returns: { id: string }[] }[] }>(subgraph.url, principals.customer('cus_a'), query, { reps });
    expect(customer.data?._entities.map((o) => o.returns.length)).toEqual([1, 0]);
  });

  it('returns null for an unknown return and BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await subgraphRequest(subgraph.url, principals.serviceDesk(), `{ return(id: "${newId('ret')}") { id } }`);
    expect(unknown.data).toEqual({ return: null });
    const malformed = await subgraphRequest(subgraph.url, principals.serviceDesk(), `{ return(id: "nope") { id } }`);
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('pages the returns list newest first without overlap', async () => {
    const page = `query($after: String) { returns(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    type Page = { returns: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const first = await subgraphRequest<Page>(subgraph.url, principals.serviceDesk(), page);
    expect(first.data?.returns.edges.map((e) => e.node.id)).toEqual([returnB]);
    expect(first.data?.returns.pageInfo.hasNextPage).toBe(true);
    const second = await subgraphRequest<Page>(subgraph.url, principals.serviceDesk(), page, { after: first.data?.returns.pageInfo.endCursor });
    expect(second.data?.returns.edges.map((e) => e.node.id)).toEqual([returnA]);
    expect(second.data?.returns.pageInfo.hasNextPage).toBe(false);
  });

  it('refuses a request without a verifiable internal principal', async () => {
    const response = await fetch(`${subgraph.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-principal': 'forged' },
      body: JSON.stringify({ query: '{ returns { edges { cursor } } }' }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(response.status).toBe(401);
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });
});
