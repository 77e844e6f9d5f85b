import type { Principal } from '../platform/auth';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, testInternalTokens, type GraphQLResponse } from '../test/support/subgraph-client';
import { startGateway, type GatewayOptions, type RunningGateway } from './server';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { startFaultySubgraph, type FaultySubgraph } from './testing/faulty-subgraph';

let database: TestDatabase;
let subgraph: FaultySubgraph;
let registry: FakeRegistry;
let tokens: TestClientTokens;
const gateways: RunningGateway[] = [];
let staffOnly: RunningGateway;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  subgraph = await startFaultySubgraph(database.db);
  registry = await startFakeRegistry();
  registry.publish(composeSupergraph(subgraph.composable));
  tokens = await createTestClientTokens();
  staffOnly = await gatewayWith({});
});

afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
  await registry?.close();
  await subgraph?.close();
  await database?.drop();
});

async function gatewayWith(extra: Partial<GatewayOptions>): Promise<RunningGateway> {
  const gateway = await startGateway({ registryUrl: registry.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens, ...extra });
  gateways.push(gateway);
  await gateway.ready;
  return gateway;
}

async function ask(gateway: RunningGateway, principal: Principal, query: string): Promise<GraphQLResponse> {
  return postGraphQL(`${gateway.url}/graphql`, query, {}, { authorization: await tokens.bearer(principal) });
}

const SCHEMA = '{ __schema { queryType { name fields { name } } } }';
const TYPE = '{ __type(name: "Query") { fields { name } } }';
/** Introspection hidden in a fragment, beside an ordinary field. */
const FRAGMENT = '{ ping ...Peek } fragment Peek on Query { __type(name: "Day") { name description } }';

function expectRefused(response: GraphQLResponse): void {
  expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  expect(response.data ?? null).toBeNull();
  // Nothing of the schema: no field, type or description of ours appears anywhere in the answer.
  expect(JSON.stringify(response)).not.toMatch(/ping|denied|since|fault|YYYY/);
}

describe('introspection by role (default: staff and service roles)', () => {
  it('refuses __schema, __type and introspection inside a fragment for a customer', async () => {
    for (const query of [SCHEMA, TYPE, FRAGMENT]) expectRefused(await ask(staffOnly, principals.customer(), query));
  });

  it('refuses a marketplace partner', async () => {
    expectRefused(await ask(staffOnly, principals.partner(), SCHEMA));
  });

  it('allows operations_admin, store staff and the service role', async () => {
    for (const principal of [principals.operations(), principals.storeAssociate(), principals.service()]) {
      const response = await ask(staffOnly, principal, TYPE);
      expect(response.errors).toBeUndefined();
      expect(JSON.stringify(response.data)).toContain('ping');
    }
  });

  it('still answers a customer ordinary fields and __typename', async () => {
    const response = await ask(staffOnly, principals.customer(), '{ __typename ping }');
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ __typename: 'Query', ping: 'pong' });
  });

  it('gives a customer no field-name suggestions in validation errors', async () => {
    const response = await ask(staffOnly, principals.customer(), '{ pin }');
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(response.errors)).not.toContain('Did you mean');
    const staff = await ask(staffOnly, principals.operations(), '{ pin }');
    expect(JSON.stringify(staff.errors)).toContain('Did you mean');
  });
});

describe('other introspection settings', () => {
  it('"off" refuses everyone, operations_admin included', async () => {
    const off = await gatewayWith({ introspection: 'off' });
    const response = await ask(off, principals.operations(), TYPE);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('"all" allows every authenticated role, customers included', async () => {
    const all = await gatewayWith({ introspection: 'all' });
    const response = await ask(all, principals.customer(), TYPE);
    expect(response.errors).toBeUndefined();
    expect(JSON.stringify(response.data)).toContain('ping');
  });
});
