import { SignJWT, importJWK } from 'jose';
import { INTERNAL_PRINCIPAL_HEADER, TOKEN_ALG, TOKEN_AUDIENCE, TOKEN_ISSUER, claimsFromPrincipal } from '../platform/auth';
import { CORRELATION_HEADER } from '../platform/correlation';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, testInternalTokens } from '../test/support/subgraph-client';
import { startGateway, type RunningGateway } from './server';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { startTestSubgraphs, type TestSubgraphs } from './testing/test-subgraphs';

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
  gateway = await startGateway({ registryUrl: registry.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens });
  await gateway.ready;
  endpoint = `${gateway.url}/graphql`;
});

afterAll(async () => {
  await gateway?.close();
  await registry?.close();
  await subgraphs?.close();
  await database?.drop();
});

function subgraphCalls(): number {
  return subgraphs.received.orders.length + subgraphs.received.returns.length;
}

describe('federated operations', () => {
  it('answers a query that spans two subgraphs', async () => {
    const response = await postGraphQL(
      endpoint,
      '{ order(id: "ord_1") { id number returnCount } }',
      {},
      {
        authorization: await tokens.bearer(principals.customer()),
      },
    );
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ order: { id: 'ord_1', number: 'R-ord_1', returnCount: 5 } });
  });

  it('sends every subgraph a principal it can verify, signed once for the request', async () => {
    const before = { orders: subgraphs.received.orders.length, returns: subgraphs.received.returns.length };
    const response = await postGraphQL<{ whoami: string; order: { returnCount: number } }>(
      endpoint,
      '{ whoami order(id: "ord_2") { returnCount } }',
      {},
      { authorization: await tokens.bearer(principals.finance()) },
    );
    expect(response.data?.whoami).toBe('user:finance');
    const sent = [...subgraphs.received.orders.slice(before.orders), ...subgraphs.received.returns.slice(before.returns)].map(
      (headers) => headers[INTERNAL_PRINCIPAL_HEADER],
    );
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(new Set(sent).size).toBe(1);
    await expect(testInternalTokens.verify(String(sent[0]))).resolves.toMatchObject({ subject: 'user:finance', roles: ['finance'] });
  });

  it('allows introspection for authenticated callers', async () => {
    const response = await postGraphQL<{ __schema: { queryType: { name: string } } }>(
      endpoint,
      '{ __schema { queryType { name } } }',
      {},
      {
        authorization: await tokens.bearer(principals.operations()),
      },
    );
    expect(response.data?.__schema.queryType.name).toBe('Query');
  });
});

describe('correlation ids', () => {
  it('echoes the client id and forwards it to the subgraphs', async () => {
    const response = await postGraphQL<{ correlation: string }>(
      endpoint,
      '{ correlation }',
      {},
      {
        authorization: await tokens.bearer(principals.serviceDesk()),
        [CORRELATION_HEADER]: 'pos-42:checkout.7',
      },
    );
    expect(response.headers.get(CORRELATION_HEADER)).toBe('pos-42:checkout.7');
    expect(response.data?.correlation).toBe('pos-42:checkout.7');
  });

  it('generates an id when the client sends none or an unacceptable one', async () => {
    for (const sent of [undefined, 'has spaces and <tags>']) {
      const response = await postGraphQL<{ correlation: string }>(
        endpoint,
        '{ correlation }',
        {},
        {
          authorization: await tokens.bearer(principals.serviceDesk()),
          ...(sent ? { [CORRELATION_HEADER]: sent } : {}),
        },
      );
      const returned = response.headers.get(CORRELATION_HEADER);
      expect(returned).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.data?.correlation).toBe(returned);
    }
  });

  it('returns an id on refused requests too', async () => {
    const response = await postGraphQL(endpoint, '{ whoami }', {}, { [CORRELATION_HEADER]: 'refused-1' });
    expect(response.headers.get(CORRELATION_HEADER)).toBe('refused-1');
  });
});

describe('authentication', () => {
  async function expectUnauthenticated(headers: Record<string, string>): Promise<void> {
    const calls = subgraphCalls();
    const response = await postGraphQL(endpoint, '{ whoami }', {}, headers);
    expect(response.status).toBe(401);
    expect(response.data).toBeUndefined();
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    expect(subgraphCalls()).toBe(calls);
  }

  it('refuses a request without a token', async () => {
    await expectUnauthenticated({});
  });

  it('refuses a malformed authorization header', async () => {
    await expectUnauthenticated({ authorization: 'Basic dXNlcjpwYXNz' });
  });

  it('refuses a token signed with another key', async () => {
    const stranger = await createTestClientTokens();
    await expectUnauthenticated({ authorization: await stranger.bearer(principals.customer()) });
  });

  it('refuses an expired token', async () => {
    const key = await importJWK(tokens.keys.privateJwk, TOKEN_ALG);
    const hourAgo = Math.floor(Date.now() / 1000) - 3600;
    const expired = await new SignJWT({ ...claimsFromPrincipal(principals.customer()) })
      .setProtectedHeader({ alg: TOKEN_ALG })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(hourAgo - 60)
      .setExpirationTime(hourAgo)
      .sign(key);
    await expectUnauthenticated({ authorization: `Bearer ${expired}` });
  });

  it('refuses introspection without a token', async () => {
    const response = await postGraphQL(endpoint, '{ __schema { queryType { name } } }');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('operation limits', () => {
  it('refuses an over-deep operation before any subgraph is called', async () => {
    const deep = `{ order(id: "o") { ${'related { '.repeat(13)}id${' }'.repeat(13)} } }`;
    const calls = subgraphCalls();
    const response = await postGraphQL(endpoint, deep, {}, { authorization: await tokens.bearer(principals.operations()) });
    expect(response.status).toBe(400);
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(subgraphCalls()).toBe(calls);
  });

  it('follows fragments when measuring depth', async () => {
    const query = `query Deep { order(id: "o") { ...A } }
      fragment A on Order { related { related { related { ...B } } } }
      fragment B on Order { related { related { related { ...C } } } }
      fragment C on Order { related { related { related { related { related { id } } } } } }`;
    const calls = subgraphCalls();
    const response = await postGraphQL(endpoint, query, {}, { authorization: await tokens.bearer(principals.operations()) });
    expect(response.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(subgraphCalls()).toBe(calls);
  });

  it('refuses an over-costly operation, reading list sizes from variables', async () => {
    const query = 'query Many($n: Int) { orders(first: $n) { id number returnCount related { id number returnCount } } }';
    const headers = { authorization: await tokens.bearer(principals.operations()) };
    const refused = await postGraphQL(endpoint, query, { n: 5000 }, headers);
    expect(refused.status).toBe(400);
    expect(refused.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const allowed = await postGraphQL<{ orders: unknown[] }>(endpoint, query, { n: 2 }, headers);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.orders).toHaveLength(2);
  });
});

describe('HTTP surface', () => {
  it('answers GET /graphql with 405', async () => {
    const response = await fetch(endpoint);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('masks the details of an unreachable subgraph', async () => {
    const registryOfDeadSubgraph = await startFakeRegistry();
    const dead = subgraphs.composable(1).map((s) => (s.name === 'returns' ? { ...s, url: 'http://127.0.0.1:9/graphql' } : s));
    registryOfDeadSubgraph.publish(composeSupergraph(dead));
    const other = await startGateway({ registryUrl: registryOfDeadSubgraph.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens });
    try {
      await other.ready;
      const response = await postGraphQL(
        `${other.url}/graphql`,
        '{ order(id: "o") { number returnCount } }',
        {},
        {
          authorization: await tokens.bearer(principals.operations()),
        },
      );
      const codes = response.errors?.map((e) => e.extensions?.code);
      expect(codes).toContain('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(response.errors)).not.toContain('127.0.0.1:9');
    } finally {
      await other.close();
      await registryOfDeadSubgraph.close();
    }
  });
});
