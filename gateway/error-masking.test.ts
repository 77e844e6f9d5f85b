import { CORRELATION_HEADER } from '../platform/correlation';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, subgraphRequest, testInternalTokens, type GraphQLResponse } from '../test/support/subgraph-client';
import { startGateway, type RunningGateway } from './server';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { MISSING_TABLE, startFaultySubgraph, type FaultySubgraph } from './testing/faulty-subgraph';

let database: TestDatabase;
/** A subgraph that shows its details (as production's old NODE_ENV default made every subgraph do). */
let detailed: FaultySubgraph;
/** A subgraph with the default: masked. */
let masked: FaultySubgraph;
let registry: FakeRegistry;
let tokens: TestClientTokens;
/** Gateway with the default settings. */
let gateway: RunningGateway;
/** Gateway with the explicit development switch on. */
let developer: RunningGateway;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  detailed = await startFaultySubgraph(database.db, true);
  masked = await startFaultySubgraph(database.db);
  registry = await startFakeRegistry();
  registry.publish(composeSupergraph(detailed.composable));
  tokens = await createTestClientTokens();
  const common = { registryUrl: registry.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens };
  gateway = await startGateway(common);
  developer = await startGateway({ ...common, errorDetails: true });
  await Promise.all([gateway.ready, developer.ready]);
});

afterAll(async () => {
  await gateway?.close();
  await developer?.close();
  await registry?.close();
  await detailed?.close();
  await masked?.close();
  await database?.drop();
});

async function ask(target: RunningGateway, query: string, correlationId = 'masking-test-1'): Promise<GraphQLResponse> {
  return postGraphQL(
    `${target.url}/graphql`,
    query,
    {},
    {
      authorization: await tokens.bearer(principals.operations()),
      [CORRELATION_HEADER]: correlationId,
    },
  );
}

/** Everything a client must never read in an error: SQL, table names, stack frames, internal URLs. */
function expectNoInternals(response: GraphQLResponse, internalUrl: string): void {
  const text = JSON.stringify(response.errors);
  expect(text).not.toContain('stacktrace');
  expect(text).not.toMatch(/SELECT|relation "|does not exist|masking_probe|no_such_table/);
  expect(text).not.toMatch(/\.ts:\d+|node_modules|at [A-Za-z.]+ \(/);
  expect(text).not.toContain(internalUrl);
  expect(text).not.toContain('127.0.0.1');
}

describe('errors through the gateway, masked by default', () => {
  it('answers an unexpected subgraph fault with only "something went wrong" and the correlation id', async () => {
    const response = await ask(gateway, '{ fault }', 'masking-fault-7');
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors ?? [];
    expect(error?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: 'masking-fault-7' });
    expect(error?.message).toMatch(/^Something went wrong/);
    expect(error?.message).toContain('masking-fault-7');
    expectNoInternals(response, detailed.subgraph.url);
  });

  it('passes a subgraph FORBIDDEN through with its code and message only, even when the subgraph shows details', async () => {
    const response = await ask(gateway, '{ denied }');
    expect(response.errors?.map((e) => ({ message: e.message, extensions: e.extensions }))).toEqual([
      { message: 'You are not allowed to do this.', extensions: { code: 'FORBIDDEN' } },
    ]);
    expectNoInternals(response, detailed.subgraph.url);
  });

  it('answers a value the subgraph refuses while parsing with BAD_USER_INPUT, not "400: Bad Request" and its URL', async () => {
    const response = await ask(gateway, '{ since(day: "not-a-day") }');
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(response.errors)).not.toContain('400: Bad Request');
    expectNoInternals(response, detailed.subgraph.url);
  });
});

describe('a subgraph answering directly, masked by default', () => {
  it('answers a fault with only "something went wrong" and the correlation id', async () => {
    const response = await subgraphRequest(masked.subgraph.url, principals.operations(), '{ fault }');
    const [error] = response.errors ?? [];
    expect(error?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error?.message).toMatch(/^Something went wrong/);
    expect(error?.extensions?.correlationId).toEqual(expect.any(String));
    expect(error?.message).toContain(String(error?.extensions?.correlationId));
    expectNoInternals(response, masked.subgraph.url);
  });
});

describe('the development switch', () => {
  it('shows the fault, its SQL and the stack trace when errorDetails is on', async () => {
    const response = await ask(developer, '{ fault }');
    const text = JSON.stringify(response.errors);
    expect(text).toContain(MISSING_TABLE);
    expect(response.errors?.[0]?.extensions?.stacktrace).toEqual(expect.any(Array));
  });
});
