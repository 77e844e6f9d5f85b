import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { SchemaRegistry } from './service';
import { INVALID_STREAM } from './stream-check';
import { ORDERS_SDL, RETURN_CHANGED_STREAM, RETURNS_WITH_STREAM_SDL, registryCounts, resetRegistry } from './testing/fixtures';

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
  await registry.publish({ name: 'orders', url: ORDERS_URL, sdl: ORDERS_SDL, publishedBy: 'test' });
});

const publishReturns = (streams?: (typeof RETURN_CHANGED_STREAM)[]) =>
  registry.publish({ name: 'returns', url: RETURNS_URL, sdl: RETURNS_WITH_STREAM_SDL, metadata: streams && { streams }, publishedBy: 'test' });

describe('subscription streams beside the SDL', () => {
  it('hands gateways the streams every subgraph declared, each with its source, with the supergraph', async () => {
    expect(await publishReturns([RETURN_CHANGED_STREAM])).toMatchObject({ status: 'PUBLISHED', supergraphVersion: 2 });
    expect((await registry.current())?.streams).toEqual([{ ...RETURN_CHANGED_STREAM, source: 'returns' }]);
  });

  it('keeps a subgraph’s streams when a publish leaves the metadata out, and publishes when only the streams change', async () => {
    await publishReturns([RETURN_CHANGED_STREAM]);
    expect(await publishReturns()).toMatchObject({ status: 'UNCHANGED' });
    expect((await registry.current())?.streams).toHaveLength(1);
    expect(await publishReturns([])).toMatchObject({ status: 'PUBLISHED', supergraphVersion: 3 });
    expect((await registry.current())?.streams).toEqual([]);
  });

  it('refuses streams the SDL does not serve, naming each mismatch, and writes nothing', async () => {
    const before = await registryCounts(database.db);
    const result = await publishReturns([{ ...RETURN_CHANGED_STREAM, field: 'returnGone', page: 'noSuchPage', filters: ['orderId'] }]);
    expect(result.status).toBe('REJECTED');
    expect(result.compositionErrors).toEqual([
      { code: INVALID_STREAM, message: 'Subgraph "returns" declares stream returnGone, but its SDL has no Subscription.returnGone.' },
      { code: INVALID_STREAM, message: 'Subgraph "returns" declares stream returnGone served by Query.noSuchPage, but its SDL has no such field.' },
    ]);
    const unfiltered = await publishReturns([{ ...RETURN_CHANGED_STREAM, filters: ['storeId'] }]);
    expect(unfiltered.compositionErrors).toEqual([
      {
        code: INVALID_STREAM,
        message: 'Subgraph "returns" declares stream returnChanged filtered by storeId, but Subscription.returnChanged has no such argument.',
      },
    ]);
    expect(await registryCounts(database.db)).toEqual(before);
  });
});
