import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';
import { Redis } from 'ioredis';
import { spawnTestProcess, type TestChild } from './processes/child-kit';
import { createTestDatabase, type TestDatabase } from './support/database';
import { REDIS_URL } from './support/env';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';

/**
 * README "Production setup", followed literally: the environment it lists (and nothing else: not
 * NODE_ENV), an identity provider's JWKS (a local server stands in for it) with its claims mapped
 * by AUTH_ROLES_CLAIM / AUTH_ROLE_MAP, the start order it gives, then its first order and first
 * query — the same JSON files the README posts with curl — with a token signed by the IdP's key.
 */
const ROOT = join(__dirname, '..');
const README_SECTION = /## Production setup\n([\s\S]*?)\n## /;

let database: TestDatabase;
let idp: Server;
let idpKey: KeyLike;
const children: TestChild[] = [];
const prefix = uniquePrefix('setup');
const BASE_PORT = 20_000 + Math.floor(Math.random() * 20_000);
const gateway = `http://127.0.0.1:${BASE_PORT}`;
const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'https://returns.example.test/api';

/** The README's environment, with this run's database, Redis prefix, ports and IdP. */
let env: Record<string, string | undefined>;

beforeAll(async () => {
  database = await createTestDatabase();
  // A first deploy: an empty database, each service migrates its own schema at start.
  await database.db.query(`DROP SCHEMA IF EXISTS orders, returns, inventory, refunds, registry, erp, payments_sim CASCADE`);
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  idpKey = privateKey;
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'idp-key-1', alg: 'RS256', use: 'sig' }] };
  idp = createServer((_req, res) => res.end(JSON.stringify(jwks)));
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  env = {
    // 2. Shared settings
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    REGISTRY_URL: `http://127.0.0.1:${BASE_PORT + 5}`,
    REGISTRY_TOKEN: randomBytes(24).toString('hex'),
    INTERNAL_TOKEN_SECRET: randomBytes(32).toString('hex'),
    // 3a. The identity provider (an Okta-style `groups` claim)
    AUTH_JWKS_URL: `http://127.0.0.1:${(idp.address() as AddressInfo).port}/oauth2/default/v1/keys`,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: AUDIENCE,
    AUTH_ALGORITHMS: 'RS256',
    AUTH_ROLES_CLAIM: 'groups',
    AUTH_ROLE_MAP: 'Returns-Ops=operations_admin,Returns-Finance=finance',
    // Ports of this run (the README keeps the defaults 4000-4005).
    PORT: String(BASE_PORT),
    ORDERS_PORT: String(BASE_PORT + 1),
    RETURNS_PORT: String(BASE_PORT + 2),
    INVENTORY_PORT: String(BASE_PORT + 3),
    REFUNDS_PORT: String(BASE_PORT + 4),
    REGISTRY_PORT: String(BASE_PORT + 5),
    LOG_LEVEL: 'info',
    // Nothing needs NODE_ENV: jest's "test" is taken away, as an operator's shell has none.
    NODE_ENV: undefined,
    // The test runner's own settings must not leak into the services.
    AUTH_PUBLIC_JWK: undefined,
    PAYMENTS_MODE: undefined,
  };
  // 4. Start, in the README's order.
  const start = async (service: string, ready: RegExp) => {
    const child = spawnTestProcess('app/service.ts', { ...env, RG_SERVICE: service });
    children.push(child);
    // Generous: tsx compiles each service at start, slow on a loaded machine.
    await child.waitForLine(ready, 90_000);
  };
  await start('registry', /registry listening/);
  await start('orders', /subgraph listening/);
  // Once orders is up, the other three in any order (the README says so): started together here.
  await Promise.all(['returns', 'refunds', 'inventory'].map((service) => start(service, /subgraph listening/)));
  await start('gateway', /gateway listening/);
  const deadline = Date.now() + 20_000;
  while (
    Date.now() < deadline &&
    (await fetch(`${gateway}/readyz`).then(
      (r) => r.status,
      () => 0,
    )) !== 200
  )
    await new Promise((r) => setTimeout(r, 200));
}, 300_000);

afterAll(async () => {
  for (const child of children) await child.kill();
  await new Promise((resolve) => idp?.close(resolve));
  const redis = new Redis(REDIS_URL);
  await deletePrefix(redis, prefix);
  redis.disconnect();
  await database?.drop();
});

/** A token as the IdP issues it: its issuer, audience and key, the roles in its own `groups` names. */
function idpToken(subject: string, groups: string[]): Promise<string> {
  return new SignJWT({ groups })
    .setProtectedHeader({ alg: 'RS256', kid: 'idp-key-1' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(idpKey);
}

/** `curl -s $GATEWAY/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d @<file>` */
async function curl(file: string, token: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: await readFile(join(ROOT, file), 'utf8'),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('README "Production setup", step by step', () => {
  it('names every setting this test sets, the start order, and the files it posts', async () => {
    const section = README_SECTION.exec(await readFile(join(ROOT, 'README.md'), 'utf8'))?.[1] ?? '';
    for (const name of Object.keys(env).filter((key) => env[key] !== undefined && !/PORT$|LOG_LEVEL/.test(key))) expect(section).toContain(name);
    const order = ['registry', 'orders', 'returns', 'refunds', 'inventory', 'gateway'].map((service) => section.indexOf(`npm run start:service -- ${service}`));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(section).toContain('-d @demo/production/first-order.json');
    expect(section).toContain('-d @demo/production/first-query.json');
  });

  it('answers the first order and the first query with a token of the identity provider', async () => {
    const token = await idpToken('00u-ops-alice', ['Everyone', 'Returns-Ops']);
    const recorded = await curl('demo/production/first-order.json', token);
    expect(recorded.body).toMatchObject({ data: { recordOrder: { created: true, order: { number: 'R100001' }, userErrors: [] } } });
    // The read crosses orders, returns and refunds; the copies of the order reach returns and refunds over Redis.
    const answer = await curl('demo/production/first-query.json', token);
    expect(answer.body).toEqual({
      data: {
        orderByNumber: {
          number: 'R100001',
          channel: 'ECOMMERCE',
          totals: { total: { amount: '50.00', currencyCode: 'USD' } },
          lines: [{ sku: 'TEE-BLK-M', quantity: 2 }],
          returns: [],
          refunds: [],
        },
      },
    });
    // OrderRecorded reached the returns and refunds processes over Redis (their copies of the
    // order, which this fresh database holds only one of each), and nothing dead-lettered.
    const deadline = Date.now() + 15_000;
    let copies = 0;
    while (Date.now() < deadline && copies < 2) {
      const { rows } = await database.db.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM returns.order_snapshots) + (SELECT count(*) FROM refunds.order_snapshots))::int8 AS n`,
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

  it('refuses a token whose groups map to no role, one for another audience, and one not signed by the IdP', async () => {
    const unmapped = await curl('demo/production/first-query.json', await idpToken('00u-bob', ['Everyone']));
    expect(unmapped.status).toBe(401);
    expect(unmapped.body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    const otherAudience = await new SignJWT({ groups: ['Returns-Ops'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-key-1' })
      .setIssuer(ISSUER)
      .setAudience('another-api')
      .setSubject('00u-ops-alice')
      .setExpirationTime('10m')
      .sign(idpKey);
    expect((await curl('demo/production/first-query.json', otherAudience)).status).toBe(401);
    const { privateKey: forger } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ groups: ['Returns-Ops'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'idp-key-1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('00u-ops-alice')
      .setExpirationTime('10m')
      .sign(forger);
    expect((await curl('demo/production/first-query.json', forged)).status).toBe(401);
  });

  it('without NODE_ENV, shows no query plan to a client that asks for one', async () => {
    const answer = await curl('demo/production/first-query.json', await idpToken('00u-ops-alice', ['Returns-Ops']), {
      'Apollo-Query-Plan-Experimental': 'true',
    });
    expect(JSON.stringify(answer.body.extensions ?? {})).not.toContain('queryPlan');
  });
});
