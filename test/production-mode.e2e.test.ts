import { randomBytes } from 'node:crypto';
import { generateSigningKeys, signClientToken } from '../platform/auth';
import { spawnTestProcess, type TestChild } from './processes/child-kit';
import { createTestDatabase, type TestDatabase } from './support/database';
import { postGraphQL } from './support/subgraph-client';
import { REDIS_URL } from './support/env';
import { principals } from './support/principals';
import { Redis } from 'ioredis';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';

/**
 * Production mode as the README runs it: every service its own process (`app/service.ts`),
 * PostgreSQL for state, Redis streams between subgraphs and Redis pub/sub to the gateway.
 */
let database: TestDatabase;
const children: TestChild[] = [];
const prefix = uniquePrefix('prod');
let gatewayUrl = '';
let privateJwk: Awaited<ReturnType<typeof generateSigningKeys>>['privateJwk'];

/** A free-looking port range per run, so parallel runs on one machine do not collide. */
const BASE_PORT = 20_000 + Math.floor(Math.random() * 20_000);

beforeAll(async () => {
  database = await createTestDatabase();
  // Each service migrates its own schema at start; start from an empty database like a first deploy.
  await database.db.query(`DROP SCHEMA IF EXISTS orders, returns, inventory, refunds, registry, erp, payments_sim CASCADE`);
  const keys = await generateSigningKeys();
  privateJwk = keys.privateJwk;
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    REGISTRY_URL: `http://127.0.0.1:${BASE_PORT + 5}`,
    REGISTRY_PORT: String(BASE_PORT + 5),
    REGISTRY_TOKEN: randomBytes(16).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    AUTH_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
    PORT: String(BASE_PORT),
    ORDERS_PORT: String(BASE_PORT + 1),
    RETURNS_PORT: String(BASE_PORT + 2),
    INVENTORY_PORT: String(BASE_PORT + 3),
    REFUNDS_PORT: String(BASE_PORT + 4),
    LOG_LEVEL: 'info',
    NODE_ENV: 'production',
  };
  const spawnService = (service: string) => {
    const child = spawnTestProcessWithArgs(service, env);
    children.push(child);
    return child;
  };
  await spawnService('registry').waitForLine(/registry listening/, 30_000);
  // Orders first: inventory extends its OrderLine. Returns last: its operations entities (exceptions, KPIs, traces) require the others' contributions.
  for (const service of ['orders', 'refunds', 'inventory', 'returns']) await spawnService(service).waitForLine(/subgraph listening/, 30_000);
  await spawnService('gateway').waitForLine(/gateway listening/, 30_000);
  gatewayUrl = `http://127.0.0.1:${BASE_PORT}/graphql`;
  // The gateway listens before its first supergraph arrives; wait until it is ready.
  const deadline = Date.now() + 20_000;
  while (
    Date.now() < deadline &&
    (await fetch(`http://127.0.0.1:${BASE_PORT}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}, 120_000);

afterAll(async () => {
  for (const child of children) await child.kill();
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database.drop();
});

function spawnTestProcessWithArgs(service: string, env: Record<string, string>): TestChild {
  return spawnTestProcess('app/service.ts', { ...env, RG_SERVICE: service });
}

describe('production mode: one process per service', () => {
  it('records an order through the gateway and delivers OrderRecorded to the other subgraphs over Redis', async () => {
    const token = await signClientToken(principals.service(), privateJwk);
    const response = await postGraphQL<{ recordOrder: { created: boolean; order: { id: string } | null; userErrors: unknown[] } }>(
      gatewayUrl,
      `mutation($input: RecordOrderInput!) { recordOrder(input: $input, idempotencyKey: "prod-1") { created order { id } userErrors { code message } } }`,
      {
        input: {
          source: 'shopify',
          externalId: 'prod-1',
          channel: 'ECOMMERCE',
          customer: { id: 'cus_prod' },
          placedAt: '2026-11-20T10:00:00Z',
          currencyCode: 'USD',
          lines: [{ sku: 'SKU-1', title: 'Tee', category: 'apparel', quantity: 1, unitPrice: '10.00' }],
          payments: [],
        },
      },
      { authorization: `Bearer ${token}` },
    );
    expect(response.data?.recordOrder.created).toBe(true);
    const orderId = response.data?.recordOrder.order?.id;
    const deadline = Date.now() + 15_000;
    let copies = 0;
    while (Date.now() < deadline && copies < 2) {
      const { rows } = await database.db.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM returns.order_snapshots WHERE order_id = $1) + (SELECT count(*) FROM refunds.order_snapshots WHERE order_id = $1))::int8 AS n`,
        [orderId],
      );
      copies = rows[0]?.n ?? 0;
      if (copies < 2) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(copies).toBe(2);
    const { rows: dead } = await database.db.query<{ n: number }>(
      `SELECT ((SELECT count(*) FROM returns.dead_letters) + (SELECT count(*) FROM refunds.dead_letters) + (SELECT count(*) FROM inventory.dead_letters))::int8 AS n`,
    );
    expect(dead[0]?.n).toBe(0);
  }, 30_000);
});
