import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { generateSigningKeys, signClientToken, type Principal } from '../platform/auth';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';
import { ALL_MIGRATIONS } from '../app/migrations';
import { spawnTestProcess, killAllTestProcesses, type TestChild } from './processes/child-kit';
import { createTestDatabase, type TestDatabase } from './support/database';
import { REDIS_URL } from './support/env';
import { principals } from './support/principals';
import { postGraphQL } from './support/subgraph-client';
import { ago, lineInput, mutateOk, recordOrder, type Caller } from './support/returns-kit';

/**
 * The compiled build, as the container image runs it: `npm run build` (tsc to dist/ plus the SDL,
 * SQL and JSON read at run time), then `node dist/app/migrate-cli.js` on an empty database, then
 * registry, four subgraphs and a gateway each as `node dist/app/service.js <service>` — plain node,
 * no tsx — on PostgreSQL and Redis, and the core scenario through the gateway: record an order,
 * look it up, take a return at a counter, and follow its refund to SUCCEEDED with a POSTED memo.
 */
const ROOT = path.resolve(__dirname, '..');
const BASE_PORT = 20_000 + Math.floor(Math.random() * 20_000);
const prefix = uniquePrefix('compiled');
let database: TestDatabase;
let env: Record<string, string>;
let privateJwk: Awaited<ReturnType<typeof generateSigningKeys>>['privateJwk'];
let buildMs = 0;
const gatewayUrl = `http://127.0.0.1:${BASE_PORT}`;

/** Calls the gateway as `principal` with a client token signed by this run's key. */
const gateway: Caller = {
  async query(principal: Principal, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    const token = await signClientToken(principal, privateJwk);
    return postGraphQL(`${gatewayUrl}/graphql`, query, variables, { authorization: `Bearer ${token}`, ...headers });
  },
};

function start(service: string): TestChild {
  // The service by argument here (compose and Kubernetes name it by RG_SERVICE).
  return spawnTestProcess('dist/app/service.js', env, { compiled: true, args: [service] });
}

async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (got === status) return;
    if (Date.now() > deadline) throw new Error(`${url} answered ${got}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Polls `done` until it holds; fails naming `what` after 30 s. */
async function eventually(done: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  const started = Date.now();
  // Incremental (dist/.tsbuildinfo): a full emit takes about 15 s on a 2-core machine, a rebuild less.
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
  execFileSync(process.execPath, ['dist/scripts/copy-assets.js', '.', 'dist'], { cwd: ROOT, stdio: 'pipe' });
  buildMs = Date.now() - started;

  database = await createTestDatabase();
  // A first deploy: nothing in the database until the migration command runs.
  await database.db.query(`DROP SCHEMA IF EXISTS ${ALL_MIGRATIONS.map((set) => set.schema).join(', ')} CASCADE`);
  const keys = await generateSigningKeys();
  privateJwk = keys.privateJwk;
  env = {
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    REGISTRY_URL: `http://127.0.0.1:${BASE_PORT + 5}`,
    REGISTRY_TOKEN: randomBytes(16).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    AUTH_PUBLIC_JWK: JSON.stringify(keys.publicJwk),
    PORT: String(BASE_PORT),
    ORDERS_PORT: String(BASE_PORT + 1),
    RETURNS_PORT: String(BASE_PORT + 2),
    INVENTORY_PORT: String(BASE_PORT + 3),
    REFUNDS_PORT: String(BASE_PORT + 4),
    REGISTRY_PORT: String(BASE_PORT + 5),
    LOG_LEVEL: 'info',
  };
  const migrate = spawnTestProcess('dist/app/migrate-cli.js', env, { compiled: true });
  await migrate.waitForLine(/^migrated registry, orders, returns, /, 30_000);

  await start('registry').waitForLine(/registry listening/, 30_000);
  // The four subgraphs at once, as Kubernetes starts them: inventory (which extends orders'
  // OrderLine) and returns (which requires the other three's operations fields) wait for their peers.
  await Promise.all(['returns', 'inventory', 'refunds', 'orders'].map((service) => start(service).waitForLine(/subgraph listening/, 90_000)));
  await start('gateway').waitForLine(/gateway listening/, 45_000);
  await waitForStatus(`${gatewayUrl}/readyz`, 200, 20_000);
}, 240_000);

afterAll(async () => {
  await killAllTestProcesses();
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database?.drop();
  process.stdout.write(`compiled build: tsc emit and assets in ${buildMs} ms\n`);
});

describe('the compiled build (node dist/app/service.js, no tsx)', () => {
  it('emitted the JavaScript and every file read by path at run time', () => {
    for (const file of [
      'dist/app/service.js',
      'dist/app/migrate-cli.js',
      'dist/app/healthcheck.js',
      'dist/subgraphs/returns/schema.graphql',
      'dist/platform/events/ops-schema.graphql',
      'dist/subgraphs/returns/policy/default-policy.json',
      'dist/platform/write-path/migrations/002_write_path.sql',
    ]) {
      expect(existsSync(path.join(ROOT, file))).toBe(true);
    }
    expect(existsSync(path.join(ROOT, 'dist/test'))).toBe(false);
  });

  it('answers /healthz and /readyz on every service', async () => {
    for (let offset = 0; offset <= 5; offset += 1) {
      await waitForStatus(`http://127.0.0.1:${BASE_PORT + offset}/healthz`, 200, 5_000);
      await waitForStatus(`http://127.0.0.1:${BASE_PORT + offset}/readyz`, 200, 5_000);
    }
  });

  it('passes its container healthcheck', () => {
    // The image's HEALTHCHECK command, with RG_SERVICE naming the service.
    expect(() =>
      execFileSync(process.execPath, ['dist/app/healthcheck.js'], { cwd: ROOT, env: { ...process.env, ...env, RG_SERVICE: 'gateway' }, stdio: 'pipe' }),
    ).not.toThrow();
  });

  it('records an order, looks it up, takes a return at a counter and pays its refund with a posted memo', async () => {
    // A first deploy knows no location: operations add the store, inventory announces it to returns.
    const upsert = await gateway.query<{ upsertLocation: { userErrors: unknown[] } }>(
      principals.operations(),
      `mutation($input: UpsertLocationInput!) { upsertLocation(input: $input, idempotencyKey: "compiled-loc-nyc") { userErrors { code message } } }`,
      { input: { id: 'loc_store_nyc', name: 'New York', kind: 'STORE' } },
    );
    expect(upsert.errors).toBeUndefined();
    expect(upsert.data?.upsertLocation.userErrors).toEqual([]);
    await eventually(
      async () => (await database.db.query(`SELECT 1 FROM returns.locations WHERE id = 'loc_store_nyc'`)).rowCount === 1,
      'returns knows the store',
    );
    const customerId = `cus_compiled_${randomBytes(3).toString('hex')}`;
    const order = await recordOrder(gateway, database.db, {
      customerId,
      channel: 'ECOMMERCE',
      placedAt: ago(8),
      deliveredAt: ago(5),
      lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 1, unitPrice: '40.00' }],
    });
    const lookup = await gateway.query<{ orderByNumber: { number: string; totals: { total: { amount: string } } } | null }>(
      principals.serviceDesk(),
      `query($n: String!) { orderByNumber(number: $n) { number totals { total { amount } } } }`,
      { n: order.number },
    );
    expect(lookup.errors).toBeUndefined();
    expect(lookup.data?.orderByNumber).toEqual({ number: order.number, totals: { total: { amount: '40.00' } } });

    // Under the receipt threshold: refunded as soon as the counter takes the units back.
    const taken = await mutateOk(gateway, principals.storeAssociate('loc_store_nyc'), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      receiveNow: true,
      lines: [lineInput(order.lines[0]!.id, 1, 'STYLE')],
    });
    expect(taken.status).toBe('RECEIVED');

    type Read = { return: { refunds: { status: string; amount: { amount: string }; creditMemo: { status: string } | null }[] } | null };
    const READ = `query($id: ID!) { return(id: $id) { refunds { status amount { amount } creditMemo { status } } } }`;
    let refunds: NonNullable<Read['return']>['refunds'] = [];
    await eventually(async () => {
      const read = await gateway.query<Read>(principals.finance(), READ, { id: taken.id });
      refunds = read.data?.return?.refunds ?? [];
      return refunds[0]?.status === 'SUCCEEDED' && refunds[0].creditMemo?.status === 'POSTED';
    }, 'the refund SUCCEEDED with its memo POSTED').catch(() => undefined);
    expect(refunds).toEqual([{ status: 'SUCCEEDED', amount: { amount: '40.00' }, creditMemo: { status: 'POSTED' } }]);
  }, 60_000);
});
