import { Readable } from 'node:stream';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, testInternalTokens } from '../test/support/subgraph-client';
import { readWithinBudget, type ResponseBudget } from './response-budget';
import { startGateway, type RunningGateway } from './server';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { startTestSubgraphs, type TestSubgraphs } from './testing/test-subgraphs';

/** A small cap, so a few long ids (200 characters, the longest an ID may be) cross it while the cost estimate (short values) does not. */
const CAP_BYTES = 2_000;

let database: TestDatabase;
let subgraphs: TestSubgraphs;
let registry: FakeRegistry;
let gateway: RunningGateway;
let tokens: TestClientTokens;
let endpoint: string;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  subgraphs = await startTestSubgraphs(database.db);
  registry = await startFakeRegistry();
  registry.publish(composeSupergraph(subgraphs.composable(1)));
  tokens = await createTestClientTokens();
  gateway = await startGateway({
    registryUrl: registry.url,
    port: 0,
    verifier: tokens.verifier,
    internalTokens: testInternalTokens,
    maxResponseBytes: CAP_BYTES,
  });
  await gateway.ready;
  endpoint = `${gateway.url}/graphql`;
});

afterAll(async () => {
  await gateway?.close();
  await registry?.close();
  await subgraphs?.close();
  await database?.drop();
});

/** `count` aliases of `order(id)` with an id of `idLength` characters (the test subgraph echoes it twice). */
const ordersQuery = (count: number, idLength: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `o${i}: order(id: "${String(i).padEnd(idLength, 'x')}") { id number }`).join(' ')} }`;

describe('response size cap', () => {
  it('replaces an answer over the cap with RESPONSE_TOO_LARGE and no partial data', async () => {
    const response = await postGraphQL(endpoint, ordersQuery(8, 200), {}, { authorization: await tokens.bearer(principals.serviceDesk()) });
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      {
        message: `The answer is larger than ${CAP_BYTES} bytes, the limit; ask for fewer items per page or fewer fields.`,
        extensions: { code: 'RESPONSE_TOO_LARGE' },
      },
    ]);
  });

  it('serves an answer under the cap', async () => {
    const response = await postGraphQL<Record<string, { id: string }>>(
      endpoint,
      ordersQuery(2, 100),
      {},
      { authorization: await tokens.bearer(principals.serviceDesk()) },
    );
    expect(response.errors).toBeUndefined();
    expect(Object.keys(response.data ?? {})).toEqual(['o0', 'o1']);
  });

  it('refuses before any subgraph call when the cost estimate is over the cap', async () => {
    const before = subgraphs.received.orders.length + subgraphs.received.returns.length;
    // Short values: 60 aliases of 3 fields are estimated at 60 × 3 × 48 bytes, over the cap.
    const response = await postGraphQL(endpoint, ordersQuery(60, 1), {}, { authorization: await tokens.bearer(principals.serviceDesk()) });
    expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(response.errors?.[0]?.message).toMatch(/estimated at \d+ bytes; the limit is 2000/);
    expect(subgraphs.received.orders.length + subgraphs.received.returns.length).toBe(before);
  });
});

/** A subgraph answer as the fetcher hands it over: headers and a body stream. */
const answerOf = (body: Readable, headers: Record<string, string> = {}) => ({ headers: { 'content-type': 'application/json', ...headers }, body });

describe('readWithinBudget', () => {
  it('stops reading an endless subgraph answer once the budget is crossed', async () => {
    const chunk = Buffer.from('x'.repeat(1024));
    let pulled = 0;
    const endless = new Readable({
      highWaterMark: chunk.byteLength,
      read() {
        pulled++;
        this.push(chunk);
      },
    });
    const budget: ResponseBudget = { max: 64 * 1024, used: 0, exceeded: false };
    await expect(readWithinBudget(answerOf(endless), budget)).rejects.toMatchObject({ extensions: { code: 'RESPONSE_TOO_LARGE' } });
    expect(budget.exceeded).toBe(true);
    expect(endless.destroyed).toBe(true);
    // It read the budget and a little more (the stream pulls ahead by its high-water mark), not more.
    expect(pulled * chunk.byteLength).toBeLessThan(budget.max + 8 * chunk.byteLength);
  });

  it('refuses without reading when the declared length is over what is left', async () => {
    const budget: ResponseBudget = { max: 100, used: 60, exceeded: false };
    const body = Readable.from([Buffer.from('{"data":{"big":"' + 'y'.repeat(100) + '"}}')]);
    await expect(readWithinBudget(answerOf(body, { 'content-length': '117' }), budget)).rejects.toMatchObject({ extensions: { code: 'RESPONSE_TOO_LARGE' } });
    expect(budget.used).toBe(60);
    expect(body.destroyed).toBe(true);
  });

  it('reads an answer within the budget and charges its bytes', async () => {
    const budget: ResponseBudget = { max: 1000, used: 0, exceeded: false };
    const body = '{"data":{"ok":true}}';
    const bytes = await readWithinBudget(answerOf(Readable.from([Buffer.from(body.slice(0, 7)), Buffer.from(body.slice(7))])), budget);
    expect(JSON.parse(bytes.toString('utf8'))).toEqual({ data: { ok: true } });
    expect(budget.used).toBe(body.length);
  });
});
