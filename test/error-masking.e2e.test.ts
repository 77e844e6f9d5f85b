import { randomBytes } from 'node:crypto';
import { INTERNAL_PRINCIPAL_HEADER, InternalTokens, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../platform/auth';
import { CORRELATION_HEADER } from '../platform/correlation';
import { killAllTestProcesses, spawnTestProcess, type TestChild } from './processes/child-kit';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from './support/database';
import { REDIS_URL } from './support/env';
import { postGraphQL, type GraphQLResponse } from './support/subgraph-client';
import { principals } from './support/principals';

/**
 * Production mode as an operator starts it from the README, with nothing about errors set:
 * `app/service.ts` per service, NODE_ENV absent. Errors must be masked and introspection staff-only
 * by default; `DEV_ERROR_DETAILS=true` alone turns details on, whatever NODE_ENV says.
 */

/** A forced fault: the orders table is renamed away under a running subgraph, so its SQL fails. */
const HIDDEN_TABLE = 'orders_hidden_by_masking_test';
const FAULT_QUERY = '{ orderByNumber(number: "R100001") { id } }';
/** How long a tsx-compiled service may take to start on a busy machine. */
const START_MS = 45_000;

/** One production deployment: registry, orders and gateway processes over their own database. */
interface Stack {
  database: TestDatabase;
  keys: SigningKeys;
  internalSecret: string;
  registryToken: string;
  prefix: string;
  ports: { gateway: number; orders: number; registry: number };
  children: TestChild[];
}

const stacks: Stack[] = [];
/** Separate port ranges per run and per stack, so parallel runs on one machine do not collide. */
const BASE_PORT = 20_000 + Math.floor(Math.random() * 20_000);

async function startStack(index: number, extraEnv: Record<string, string | undefined>): Promise<Stack> {
  const database = await createTestDatabase();
  const keys = await generateSigningKeys();
  const base = BASE_PORT + index * 10;
  const stack: Stack = {
    database,
    keys,
    internalSecret: randomBytes(32).toString('hex'),
    registryToken: randomBytes(16).toString('hex'),
    prefix: uniquePrefix(`masking${index}`),
    ports: { gateway: base, orders: base + 1, registry: base + 5 },
    children: [],
  };
  stacks.push(stack);
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: stack.prefix,
    REGISTRY_URL: `http://127.0.0.1:${stack.ports.registry}`,
    REGISTRY_PORT: String(stack.ports.registry),
    REGISTRY_TOKEN: stack.registryToken,
    INTERNAL_TOKEN_SECRET: stack.internalSecret,
    AUTH_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
    PORT: String(stack.ports.gateway),
    ORDERS_PORT: String(stack.ports.orders),
    LOG_LEVEL: 'info',
    // Jest sets NODE_ENV=test; an operator's shell usually has none.
    NODE_ENV: undefined,
    ...extraEnv,
  };
  const spawn = (service: string) => {
    const child = spawnTestProcess('app/service.ts', { ...env, RG_SERVICE: service });
    stack.children.push(child);
    return child;
  };
  await spawn('registry').waitForLine(/registry listening/, START_MS);
  await spawn('orders').waitForLine(/subgraph listening/, START_MS);
  await spawn('gateway').waitForLine(/gateway listening/, START_MS);
  const deadline = Date.now() + START_MS;
  while (
    (await fetch(`http://127.0.0.1:${stack.ports.gateway}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    if (Date.now() > deadline) throw new Error('the gateway did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await database.db.query(`ALTER TABLE orders.orders RENAME TO ${HIDDEN_TABLE}`);
  return stack;
}

afterAll(async () => {
  await killAllTestProcesses();
  const redis = new Redis(REDIS_URL);
  for (const stack of stacks) {
    await deletePrefix(redis, stack.prefix);
    await stack.database.drop();
  }
  redis.disconnect();
});

async function viaGateway(stack: Stack, principal: Principal, query: string, correlationId = 'prod-mask-1'): Promise<GraphQLResponse> {
  const token = await signClientToken(principal, stack.keys.privateJwk);
  return postGraphQL(`http://127.0.0.1:${stack.ports.gateway}/graphql`, query, {}, { authorization: `Bearer ${token}`, [CORRELATION_HEADER]: correlationId });
}

/** Calls the orders subgraph directly, as the gateway does (with a principal signed by the shared secret). */
async function viaOrders(stack: Stack, query: string): Promise<GraphQLResponse> {
  const token = await new InternalTokens(stack.internalSecret).sign(principals.operations());
  return postGraphQL(
    `http://127.0.0.1:${stack.ports.orders}/graphql`,
    query,
    {},
    { [INTERNAL_PRINCIPAL_HEADER]: token, [CORRELATION_HEADER]: 'prod-mask-direct' },
  );
}

/** SQL, table and constraint names, stack frames and server paths: none may reach a client. */
function expectNoInternals(response: GraphQLResponse): void {
  const text = JSON.stringify(response.errors);
  expect(response.errors?.length).toBeGreaterThan(0);
  expect(text).not.toContain('stacktrace');
  expect(text).not.toMatch(/SELECT|relation "|does not exist|orders\.orders|constraint/i);
  expect(text).not.toMatch(/\.ts:\d+|node_modules|\/work\/|at [A-Za-z.]+ \(/);
  expect(text).not.toMatch(/127\.0\.0\.1|localhost/);
}

describe('production mode with nothing about errors configured', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(0, {});
  }, 3 * START_MS);

  it('answers a forced fault through the gateway with "something went wrong" and the correlation id only', async () => {
    const response = await viaGateway(stack, principals.operations(), FAULT_QUERY, 'prod-mask-fault-1');
    expectNoInternals(response);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: 'prod-mask-fault-1' });
    expect(response.errors?.[0]?.message).toMatch(/^Something went wrong.*prod-mask-fault-1/);
  });

  it('answers the same fault from the subgraph itself without SQL or stack trace', async () => {
    const response = await viaOrders(stack, FAULT_QUERY);
    expectNoInternals(response);
    expect(response.errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', correlationId: 'prod-mask-direct' });
  });

  it('passes a subgraph FORBIDDEN through with its code only', async () => {
    const response = await viaGateway(
      stack,
      principals.customer(),
      'mutation { recordOrder(input: { source: "x", externalId: "x", channel: ECOMMERCE, customer: { id: "c" }, placedAt: "2026-01-01T00:00:00Z", currencyCode: USD, lines: [], payments: [] }, idempotencyKey: "prod-mask-forbidden") { created } }',
    );
    expectNoInternals(response);
    expect(response.errors?.map((e) => e.extensions)).toEqual([{ code: 'FORBIDDEN' }]);
  });

  it('refuses introspection to a customer and allows it to operations_admin', async () => {
    const refused = await viaGateway(stack, principals.customer(), '{ __schema { queryType { name } } }');
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(refused.data ?? null).toBeNull();
    const allowed = await viaGateway(stack, principals.operations(), '{ __schema { queryType { name } } }');
    expect(allowed.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('answers registry reads only with the registry token', async () => {
    for (const path of ['/supergraph', '/subgraphs']) {
      const refused = await fetch(`http://127.0.0.1:${stack.ports.registry}${path}`);
      expect(refused.status).toBe(401);
      expect(await refused.text()).not.toContain(String(stack.ports.orders));
      const served = await fetch(`http://127.0.0.1:${stack.ports.registry}${path}`, { headers: { authorization: `Bearer ${stack.registryToken}` } });
      expect(served.status).toBe(200);
    }
  });
});

describe('production mode with DEV_ERROR_DETAILS=true', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack(1, { DEV_ERROR_DETAILS: 'true', NODE_ENV: 'production' });
  }, 3 * START_MS);

  it('shows the fault, its SQL and a stack trace, through the gateway and from the subgraph', async () => {
    for (const response of [await viaGateway(stack, principals.operations(), FAULT_QUERY), await viaOrders(stack, FAULT_QUERY)]) {
      expect(response.errors?.[0]?.message).toBe('relation "orders.orders" does not exist');
      expect(response.errors?.[0]?.extensions?.stacktrace).toEqual(expect.any(Array));
    }
  });
});
