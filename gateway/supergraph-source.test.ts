import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, testInternalTokens } from '../test/support/subgraph-client';
import { startGateway, type GatewayOptions, type RunningGateway } from './server';
import { RegistrySupergraphSource } from './supergraph-source';
import { componentLogger } from '../platform/logger';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { startTestSubgraphs, type TestSubgraphs } from './testing/test-subgraphs';

/** Short enough that a test sees several polls in well under a second. */
const TEST_POLL_INTERVAL_MS = 100;
/** Upper bound for a condition the gateway reaches within a few polls. */
const EVENTUALLY_TIMEOUT_MS = 5_000;

let database: TestDatabase;
let subgraphs: TestSubgraphs;
let tokens: TestClientTokens;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  subgraphs = await startTestSubgraphs(database.db);
  tokens = await createTestClientTokens();
});

afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

afterAll(async () => {
  await subgraphs?.close();
  await database?.drop();
});

async function registry(options: Parameters<typeof startFakeRegistry>[0] = {}): Promise<FakeRegistry> {
  const started = await startFakeRegistry(options);
  cleanup.push(() => started.close());
  return started;
}

async function gatewayFor(fake: FakeRegistry, extra: Partial<GatewayOptions> = {}): Promise<RunningGateway> {
  const started = await startGateway({
    registryUrl: fake.url,
    port: 0,
    verifier: tokens.verifier,
    internalTokens: testInternalTokens,
    pollIntervalMs: TEST_POLL_INTERVAL_MS,
    ...extra,
  });
  cleanup.push(() => started.close());
  return started;
}

async function eventually(check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + EVENTUALLY_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function query(gateway: RunningGateway, text: string) {
  return postGraphQL<Record<string, { returnNote?: string; returnCount?: number } | null>>(
    `${gateway.url}/graphql`,
    text,
    {},
    {
      authorization: await tokens.bearer(principals.serviceDesk()),
    },
  );
}

describe('supergraph from the registry', () => {
  it('hot-reloads a new version with a new field', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(fake);
    await gateway.ready;
    const before = await query(gateway, '{ order(id: "o1") { returnNote } }');
    expect(before.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    expect(fake.publish(composeSupergraph(subgraphs.composable(2)))).toBe(2);
    await eventually(() => gateway.supergraphState().version === 2);
    const after = await query(gateway, '{ order(id: "o1") { returnNote } }');
    expect(after.errors).toBeUndefined();
    expect(after.data?.order?.returnNote).toBe('note for o1');
  });

  it('asks with If-None-Match and gets 304 while nothing changes', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(fake);
    await gateway.ready;
    await eventually(() => fake.requests.notModified >= 2);
    expect(gateway.supergraphState()).toMatchObject({ phase: 'loaded', version: 1, lastError: null });
  });

  it('keeps serving the last good supergraph while the registry is down', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(fake);
    await gateway.ready;
    await fake.close();
    await eventually(() => gateway.supergraphState().lastError !== null);

    const state = gateway.supergraphState();
    expect(state.version).toBe(1);
    expect(state.lastPollAt?.getTime()).toBeGreaterThan(state.loadedAt?.getTime() ?? Infinity);
    const response = await query(gateway, '{ order(id: "o7") { returnCount } }');
    expect(response.data?.order?.returnCount).toBe(2);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { supergraph: { lastError: unknown } }).supergraph.lastError).not.toBeNull();
  });

  it('keeps the last good supergraph when the registry answers garbage, and recovers after', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(fake);
    await gateway.ready;
    fake.garbage();
    await eventually(() => gateway.supergraphState().lastError !== null);
    expect(gateway.supergraphState().lastError?.message).toMatch(/not a supergraph document/);
    expect((await query(gateway, '{ order(id: "o1") { returnCount } }')).data?.order?.returnCount).toBe(2);

    fake.publish(composeSupergraph(subgraphs.composable(2)));
    await eventually(() => gateway.supergraphState().version === 2);
    expect(gateway.supergraphState().lastError).toBeNull();
  });

  it('refuses a version that does not build and keeps the previous one', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(fake);
    await gateway.ready;
    fake.publish('type Query { broken: String }');
    await eventually(() => gateway.supergraphState().lastError !== null);
    expect(gateway.supergraphState()).toMatchObject({ version: 1 });
    expect(gateway.supergraphState().lastError?.message).toMatch(/version 2 was refused/);
    expect((await query(gateway, '{ order(id: "o1") { returnCount } }')).data?.order?.returnCount).toBe(2);
    // Later polls get 304 for the refused version; the refusal stays visible.
    const polls = fake.requests.notModified;
    await eventually(() => fake.requests.notModified >= polls + 2);
    expect(gateway.supergraphState().lastError?.message).toMatch(/version 2 was refused/);
  });

  it('gives up at start-up when no supergraph arrives in time', async () => {
    const fake = await registry();
    const source = new RegistrySupergraphSource({ registryUrl: fake.url, startupTimeoutMs: 300, log: componentLogger('test') });
    const hooks = { update: () => undefined, healthCheck: async () => undefined, getDataSource: () => ({}) as never };
    await expect(source.initialize(hooks)).rejects.toThrow(/No supergraph .* within 300 ms/);
    expect(source.state.phase).toBe('failed');
    expect(fake.requests.total).toBeGreaterThan(1);
  });

  it('refuses a poll interval that is not a positive number of milliseconds', () => {
    expect(() => new RegistrySupergraphSource({ registryUrl: 'http://x', pollIntervalMs: 0, log: componentLogger('test') })).toThrow(
      /pollIntervalMs must be a positive integer of milliseconds, but got: 0/,
    );
  });
});

describe('probes', () => {
  it('is live but not ready before any supergraph exists, then ready once one is published', async () => {
    const fake = await registry();
    const gateway = await gatewayFor(fake);
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const waiting = await fetch(`${gateway.url}/readyz`);
    expect(waiting.status).toBe(503);
    expect(await waiting.json()).toMatchObject({ reason: 'supergraph not loaded' });
    const early = await query(gateway, '{ whoami }');
    expect(early.status).toBe(503);
    expect(early.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');

    fake.publish(composeSupergraph(subgraphs.composable(1)));
    await gateway.ready;
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('is not ready while the database ping fails, and ready when it answers', async () => {
    const fake = await registry();
    fake.publish(composeSupergraph(subgraphs.composable(1)));
    let databaseUp = false;
    const gateway = await gatewayFor(fake, {
      dbPing: async () => (databaseUp ? database.db.ping() : Promise.reject(new Error('connection refused'))),
    });
    await gateway.ready;
    const down = await fetch(`${gateway.url}/readyz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ reason: 'database unreachable' });
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    databaseUp = true;
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });

  it('sends the registry token with every poll, and a registry that refuses it keeps the gateway unready', async () => {
    const token = 'registry-token-0123456789';
    const guarded = await registry({ token });
    guarded.publish(composeSupergraph(subgraphs.composable(1)));
    const gateway = await gatewayFor(guarded, { registryToken: token });
    await gateway.ready;
    expect((await query(gateway, '{ order(id: "o1") { returnCount } }')).data).toEqual({ order: { returnCount: 2 } });

    const source = new RegistrySupergraphSource({ registryUrl: guarded.url, startupTimeoutMs: 300, log: componentLogger('test') });
    const hooks = { update: () => undefined, healthCheck: async () => undefined, getDataSource: () => ({}) as never };
    await expect(source.initialize(hooks)).rejects.toThrow(/answered 401/);
  });

  it('closes promptly while still waiting for the first supergraph', async () => {
    const fake = await registry();
    const gateway = await startGateway({ registryUrl: fake.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens });
    const startedAt = Date.now();
    await gateway.close();
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    await expect(gateway.ready).rejects.toThrow(/stopped/);
  });
});
