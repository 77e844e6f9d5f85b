import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { SchemaRegistry, sha256Of } from './service';
import { RegistryInputError } from './validation';
import {
  ORDERS_NUMBER_AS_INT_SDL,
  ORDERS_SDL,
  ORDERS_WITHOUT_NUMBER_SDL,
  ORDERS_WITH_EMAIL_SDL,
  RETURNS_CONFLICTING_SDL,
  RETURNS_SDL,
  registryCounts,
  resetRegistry,
  standaloneSdl,
} from './testing/fixtures';

const ORDERS_URL = 'http://127.0.0.1:4001/graphql';
const RETURNS_URL = 'http://127.0.0.1:4002/graphql';

let database: TestDatabase;
let registry: SchemaRegistry;

beforeAll(async () => {
  database = await createTestDatabase();
  registry = new SchemaRegistry(database.db);
});
afterAll(async () => {
  await database.drop();
});
beforeEach(async () => {
  await resetRegistry(database.db);
});

const publishOrders = (sdl = ORDERS_SDL, extra: { force?: boolean; dryRun?: boolean; url?: string } = {}) =>
  registry.publish({ name: 'orders', url: extra.url ?? ORDERS_URL, sdl, publishedBy: 'test', force: extra.force, dryRun: extra.dryRun });
const publishReturns = (sdl = RETURNS_SDL) => registry.publish({ name: 'returns', url: RETURNS_URL, sdl, publishedBy: 'test' });

describe('SchemaRegistry.publish', () => {
  it('composes the first subgraph into supergraph version 1 and the second into version 2', async () => {
    const first = await publishOrders();
    expect(first).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 1, supergraphVersion: 1, compositionErrors: [], breakingChanges: [] });

    const second = await publishReturns();
    expect(second).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 1, supergraphVersion: 2 });

    const current = await registry.current();
    expect(current?.version).toBe(2);
    expect(current?.supergraphSdl).toContain('join__Graph');
    expect(current?.supergraphSdl).toContain('ORDERS @join__graph(name: "orders", url: "http://127.0.0.1:4001/graphql")');
    expect(current?.supergraphSdl).toContain('RETURNS @join__graph(name: "returns", url: "http://127.0.0.1:4002/graphql")');
    const { rows } = await database.db.query('SELECT subgraph_versions FROM registry.supergraph_versions WHERE version = 2');
    expect(rows[0]?.subgraph_versions).toEqual({ orders: 1, returns: 1 });
  });

  it('numbers versions per subgraph and records the sha256 of each SDL', async () => {
    await publishOrders();
    await publishReturns();
    const next = await publishOrders(ORDERS_WITH_EMAIL_SDL);
    expect(next).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 2, supergraphVersion: 3 });

    const list = await registry.list();
    expect(list.map(({ name, version, url, sha256 }) => ({ name, version, url, sha256 }))).toEqual([
      { name: 'orders', version: 2, url: ORDERS_URL, sha256: sha256Of(ORDERS_WITH_EMAIL_SDL) },
      { name: 'returns', version: 1, url: RETURNS_URL, sha256: sha256Of(RETURNS_SDL) },
    ]);
    expect(list[0]?.publishedAt).toBeInstanceOf(Date);
  });

  it('answers UNCHANGED to an identical re-publish and stores no version', async () => {
    await publishOrders();
    const before = await registryCounts(database.db);

    const again = await publishOrders();

    expect(again).toMatchObject({ status: 'UNCHANGED', subgraphVersion: 1, supergraphVersion: 1 });
    expect(await registryCounts(database.db)).toEqual(before);
  });

  it('publishes a new version when only the routing url changes', async () => {
    await publishOrders();
    const moved = await publishOrders(ORDERS_SDL, { url: 'http://orders.internal:4001/graphql' });
    expect(moved).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 2, supergraphVersion: 2 });
    expect((await registry.current())?.supergraphSdl).toContain('url: "http://orders.internal:4001/graphql"');
  });

  it('refuses a composition conflict with a message naming both subgraphs and the field, and writes nothing', async () => {
    await publishOrders();
    const before = await registryCounts(database.db);

    const result = await publishReturns(RETURNS_CONFLICTING_SDL);

    expect(result.status).toBe('REJECTED');
    expect(result.subgraphVersion).toBeUndefined();
    const mismatch = result.compositionErrors.find((error) => error.code === 'FIELD_TYPE_MISMATCH');
    expect(mismatch?.message).toContain('Composing subgraph "returns"');
    expect(mismatch?.message).toContain('[FIELD_TYPE_MISMATCH]');
    expect(mismatch?.message).toContain('"Order.number"');
    expect(mismatch?.message).toContain('subgraph "orders"');
    expect(mismatch?.message).toContain('subgraph "returns"');
    expect(await registryCounts(database.db)).toEqual(before);
  });

  it('rejects composition errors even when forced', async () => {
    await publishOrders();
    const result = await registry.publish({ name: 'returns', url: RETURNS_URL, sdl: RETURNS_CONFLICTING_SDL, publishedBy: 'test', force: true });
    expect(result.status).toBe('REJECTED');
    expect(result.compositionErrors.length).toBeGreaterThan(0);
    expect((await registryCounts(database.db)).subgraphs).toBe(1);
  });

  it('reports SDL that is not valid GraphQL as a composition error', async () => {
    const result = await publishOrders('type Query { broken(: Int }');
    expect(result.status).toBe('REJECTED');
    expect(result.compositionErrors[0]).toMatchObject({ code: 'INVALID_GRAPHQL' });
    expect(result.compositionErrors[0]?.message).toContain('subgraph "orders"');
  });

  it('refuses a removed field as a breaking change unless forced', async () => {
    await publishOrders();
    await publishReturns();

    const refused = await publishOrders(ORDERS_WITHOUT_NUMBER_SDL);
    expect(refused.status).toBe('REJECTED');
    expect(refused.compositionErrors).toEqual([]);
    expect(refused.breakingChanges).toEqual([{ type: 'FIELD_REMOVED', description: 'Order.number was removed.' }]);
    expect((await registryCounts(database.db)).subgraphs).toBe(2);

    const forced = await publishOrders(ORDERS_WITHOUT_NUMBER_SDL, { force: true });
    expect(forced).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 2, supergraphVersion: 3, forced: true });
    expect(forced.breakingChanges).toHaveLength(1);
    const { rows } = await database.db.query("SELECT forced FROM registry.subgraph_versions WHERE subgraph = 'orders' ORDER BY version");
    expect(rows.map((row) => row.forced)).toEqual([false, true]);
  });

  it('refuses a changed field type as a breaking change', async () => {
    await publishOrders();
    const refused = await publishOrders(ORDERS_NUMBER_AS_INT_SDL);
    expect(refused.status).toBe('REJECTED');
    expect(refused.breakingChanges).toEqual([{ type: 'FIELD_CHANGED_KIND', description: 'Order.number changed type from String! to Int!.' }]);
  });

  it('accepts an additive change without marking it forced', async () => {
    await publishOrders();
    const result = await publishOrders(ORDERS_WITH_EMAIL_SDL, { force: true });
    expect(result).toMatchObject({ status: 'PUBLISHED', forced: false, breakingChanges: [] });
  });

  it('treats a dry run like a check: it evaluates and writes nothing', async () => {
    await publishOrders();
    const before = await registryCounts(database.db);

    const passed = await publishOrders(ORDERS_WITH_EMAIL_SDL, { dryRun: true });
    const rejected = await registry.check({ name: 'orders', url: ORDERS_URL, sdl: ORDERS_WITHOUT_NUMBER_SDL, publishedBy: 'test' });

    expect(passed).toMatchObject({ status: 'PASSED', dryRun: true });
    expect(rejected).toMatchObject({ status: 'REJECTED', dryRun: true });
    expect(rejected.breakingChanges).toHaveLength(1);
    expect(await registryCounts(database.db)).toEqual(before);
  });

  it('refuses an invalid subgraph name before touching the database', async () => {
    await expect(registry.publish({ name: 'Orders!', url: ORDERS_URL, sdl: ORDERS_SDL, publishedBy: 'test' })).rejects.toBeInstanceOf(RegistryInputError);
  });

  it('lands concurrent publishes of different subgraphs as distinct supergraphs, the last composed from all', async () => {
    const names = ['inventory', 'refunds', 'stores', 'customers'];
    const results = await Promise.all(
      names.map((name) => registry.publish({ name, url: `http://${name}.internal/graphql`, sdl: standaloneSdl(name), publishedBy: 'test' })),
    );

    expect(results.map((result) => result.status)).toEqual(names.map(() => 'PUBLISHED'));
    const versions = results.map((result) => result.supergraphVersion).sort();
    expect(versions).toEqual([1, 2, 3, 4]);
    // Under the publish lock each composition saw every earlier publish, so none was lost.
    const { rows } = await database.db.query('SELECT subgraph_versions FROM registry.supergraph_versions ORDER BY version');
    expect(rows.map((row) => Object.keys(row.subgraph_versions as object).length)).toEqual([1, 2, 3, 4]);
    for (const name of names) expect((await registry.current())?.supergraphSdl).toContain(`name: "${name}"`);
  });
});

describe('SchemaRegistry.publishAll (every subgraph of one process at once)', () => {
  const orders = (sdl = ORDERS_SDL) => ({ name: 'orders', url: ORDERS_URL, sdl, publishedBy: 'test' });
  const returns = (sdl = RETURNS_SDL) => ({ name: 'returns', url: RETURNS_URL, sdl, publishedBy: 'test' });

  it('stores each subgraph version and one supergraph composed from all of them', async () => {
    const results = await registry.publishAll([orders(), returns()]);
    expect(results).toEqual([
      expect.objectContaining({ status: 'PUBLISHED', subgraphVersion: 1, supergraphVersion: 1 }),
      expect.objectContaining({ status: 'PUBLISHED', subgraphVersion: 1, supergraphVersion: 1 }),
    ]);
    expect(await registryCounts(database.db)).toMatchObject({ subgraphs: 2, supergraphs: 1 });
    const { rows } = await database.db.query('SELECT subgraph_versions FROM registry.supergraph_versions WHERE version = 1');
    expect(rows[0]?.subgraph_versions).toEqual({ orders: 1, returns: 1 });
    expect((await registry.current())?.supergraphSdl).toContain('RETURNS @join__graph(name: "returns", url: "http://127.0.0.1:4002/graphql")');
  });

  it('answers UNCHANGED for a member equal to its latest version and publishes the rest', async () => {
    await publishOrders();
    const results = await registry.publishAll([orders(), returns()]);
    expect(results.map((result) => [result.status, result.subgraphVersion, result.supergraphVersion])).toEqual([
      ['UNCHANGED', 1, 1],
      ['PUBLISHED', 1, 2],
    ]);
    expect(await registry.publishAll([orders(), returns()])).toEqual([
      expect.objectContaining({ status: 'UNCHANGED', supergraphVersion: 2 }),
      expect.objectContaining({ status: 'UNCHANGED', supergraphVersion: 2 }),
    ]);
  });

  it('stores nothing when the set does not compose, and refuses every member', async () => {
    await publishOrders();
    const before = await registryCounts(database.db);
    const results = await registry.publishAll([orders(ORDERS_WITH_EMAIL_SDL), returns(RETURNS_CONFLICTING_SDL)]);
    expect(results.map((result) => result.status)).toEqual(['REJECTED', 'REJECTED']);
    expect(results[0]?.compositionErrors[0]?.message).toMatch(/^Composing subgraphs "orders, returns" with the latest version/);
    expect(await registryCounts(database.db)).toEqual(before);
  });

  it('refuses a breaking change unless every changed member is forced', async () => {
    await registry.publishAll([orders(), returns()]);
    const breaking = await registry.publishAll([orders(ORDERS_WITHOUT_NUMBER_SDL), returns()]);
    expect(breaking[0]).toMatchObject({ status: 'REJECTED', breakingChanges: [expect.objectContaining({ type: expect.any(String) })] });
    const forced = await registry.publishAll([{ ...orders(ORDERS_WITHOUT_NUMBER_SDL), force: true }, returns()]);
    expect(forced.map((result) => [result.status, result.forced])).toEqual([
      ['PUBLISHED', true],
      ['UNCHANGED', false],
    ]);
  });

  it('refuses a set naming one subgraph twice, or none, before touching the database', async () => {
    await expect(registry.publishAll([orders(), orders(ORDERS_WITH_EMAIL_SDL)])).rejects.toThrow(/orders appears twice/);
    await expect(registry.publishAll([])).rejects.toThrow(/at least one subgraph/);
    expect(await registryCounts(database.db)).toMatchObject({ subgraphs: 0, supergraphs: 0 });
  });
});

describe('SchemaRegistry.current', () => {
  it('is null before anything is published', async () => {
    expect(await registry.current()).toBeNull();
    expect(await registry.currentVersion()).toBeNull();
    expect(await registry.list()).toEqual([]);
  });
});
