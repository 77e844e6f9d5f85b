import { PostgresDb } from '../platform/db';
import type { RunningServer } from '../platform/http/server';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { startRegistry } from './server';
import { ORDERS_SDL, ORDERS_WITHOUT_NUMBER_SDL, RETURNS_CONFLICTING_SDL, TEST_PUBLISH_TOKEN, registryCounts, resetRegistry } from './testing/fixtures';

const ORDERS_URL = 'http://127.0.0.1:4001/graphql';

let database: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startRegistry({ db: database.db, port: 0, publishToken: TEST_PUBLISH_TOKEN });
});
afterAll(async () => {
  await server.close();
  await database.drop();
});
beforeEach(async () => {
  await resetRegistry(database.db);
});

const auth = { authorization: `Bearer ${TEST_PUBLISH_TOKEN}`, 'content-type': 'application/json' };
/** Reads need the registry token too: the supergraph names every subgraph's routing URL. */
const readAuth = { authorization: `Bearer ${TEST_PUBLISH_TOKEN}` };

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, { headers: { ...readAuth, ...headers } });
}

function post(path: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${server.url}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
}

describe('GET /supergraph', () => {
  it('answers 404 with an error before anything is composed', async () => {
    const response = await get('/supergraph');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: expect.stringContaining('No supergraph') });
  });

  it('serves the current supergraph with its version as ETag, and 304 while that version is current', async () => {
    expect((await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL })).status).toBe(201);

    const response = await get('/supergraph');
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const body = (await response.json()) as { version: number; supergraphSdl: string; createdAt: string };
    expect(body.version).toBe(1);
    expect(body.supergraphSdl).toContain('@join__graph(name: "orders"');
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);

    const unchanged = await get('/supergraph', { 'if-none-match': '"1"' });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe('"1"');
    expect(await unchanged.text()).toBe('');

    await post('/subgraphs/orders', { url: 'http://orders.internal/graphql', sdl: ORDERS_SDL });
    const changed = await get('/supergraph', { 'if-none-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect(((await changed.json()) as { version: number }).version).toBe(2);
  });
});

describe('reads need the registry token', () => {
  it('answers 401 to GET /supergraph and GET /subgraphs without the token or with a wrong one, and shows no routing URL', async () => {
    expect((await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL })).status).toBe(201);
    for (const path of ['/supergraph', '/subgraphs']) {
      const missing = await fetch(`${server.url}${path}`);
      const wrong = await fetch(`${server.url}${path}`, { headers: { authorization: 'Bearer not-the-registry-token' } });
      for (const refused of [missing, wrong]) {
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe('Bearer');
        expect(await refused.text()).not.toContain(ORDERS_URL);
      }
    }
    // A conditional poll without the token learns nothing either (no 304 revealing the version).
    expect((await fetch(`${server.url}/supergraph`, { headers: { 'if-none-match': '"1"' } })).status).toBe(401);
  });

  it('serves GET /supergraph and GET /subgraphs with the token', async () => {
    expect((await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL })).status).toBe(201);
    const supergraph = await get('/supergraph');
    expect(supergraph.status).toBe(200);
    expect(((await supergraph.json()) as { supergraphSdl: string }).supergraphSdl).toContain(ORDERS_URL);
    const list = await get('/subgraphs');
    expect(list.status).toBe(200);
    expect(await list.json()).toMatchObject({ subgraphs: [{ name: 'orders', url: ORDERS_URL }] });
  });
});

describe('POST /subgraphs/<name>', () => {
  it('answers 401 without the token or with a wrong one, and writes nothing', async () => {
    const missing = await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL }, { 'content-type': 'application/json' });
    const wrong = await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL }, { authorization: 'Bearer nope', 'content-type': 'application/json' });
    expect(missing.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await registryCounts(database.db)).toEqual({ subgraphs: 0, supergraphs: 0 });
  });

  it('answers 400 to bad JSON, missing fields and an invalid name', async () => {
    const badJson = await post('/subgraphs/orders', '{not json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toEqual({ error: 'The request body is not valid JSON.' });

    const missing = await post('/subgraphs/orders', { sdl: ORDERS_SDL });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: string }).error).toMatch(/^The request body is invalid: url /);

    const badUrl = await post('/subgraphs/orders', { url: 'ftp://x', sdl: ORDERS_SDL, force: 'yes' });
    const message = ((await badUrl.json()) as { error: string }).error;
    expect(message).toContain('url must be an http(s) URL');
    expect(message).toContain('force');

    const badName = await post('/subgraphs/Orders_1', { url: ORDERS_URL, sdl: ORDERS_SDL });
    expect(badName.status).toBe(400);
    expect(((await badName.json()) as { error: string }).error).toContain('Subgraph name "Orders_1" is invalid');
  });

  it('answers 201 when published, 200 when unchanged and 422 with the errors when rejected', async () => {
    const published = await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL, publishedBy: 'ci' });
    expect(published.status).toBe(201);
    expect(await published.json()).toMatchObject({ status: 'PUBLISHED', subgraphVersion: 1, supergraphVersion: 1 });

    const unchanged = await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_SDL });
    expect(unchanged.status).toBe(200);
    expect(await unchanged.json()).toMatchObject({ status: 'UNCHANGED' });

    const breaking = await post('/subgraphs/orders', { url: ORDERS_URL, sdl: ORDERS_WITHOUT_NUMBER_SDL });
    expect(breaking.status).toBe(422);
    expect(await breaking.json()).toMatchObject({ status: 'REJECTED', breakingChanges: [{ type: 'FIELD_REMOVED' }] });

    const conflict = await post('/subgraphs/returns', { url: 'http://127.0.0.1:4002/graphql', sdl: RETURNS_CONFLICTING_SDL });
    expect(conflict.status).toBe(422);
    const body = (await conflict.json()) as { compositionErrors: { code: string; message: string }[] };
    expect(body.compositionErrors.map((error) => error.code)).toContain('FIELD_TYPE_MISMATCH');

    const list = await get('/subgraphs');
    expect(await list.json()).toMatchObject({ subgraphs: [{ name: 'orders', version: 1, url: ORDERS_URL, publishedBy: 'ci', forced: false }] });
  });

  it('refuses a GET on a publish path with 405', async () => {
    const response = await fetch(`${server.url}/subgraphs/orders`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('POST /check/<name>', () => {
  it('requires the token and never writes', async () => {
    expect((await post('/check/orders', { url: ORDERS_URL, sdl: ORDERS_SDL }, { 'content-type': 'application/json' })).status).toBe(401);

    const checked = await post('/check/orders', { url: ORDERS_URL, sdl: ORDERS_SDL });
    expect(checked.status).toBe(200);
    expect(await checked.json()).toMatchObject({ status: 'PASSED', dryRun: true });
    expect(await registryCounts(database.db)).toEqual({ subgraphs: 0, supergraphs: 0 });
  });
});

describe('probes', () => {
  it('answers /healthz and /readyz with 200 while the database is reachable', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('answers /readyz with 503 when the database is unreachable', async () => {
    // A real driver pointed at a port nothing listens on: the connection is refused at once.
    const unreachable = new PostgresDb({ connectionString: 'postgres://root@127.0.0.1:1/nowhere', maxConnections: 1 });
    const other = await startRegistry({ db: unreachable, port: 0, publishToken: TEST_PUBLISH_TOKEN });
    try {
      const response = await fetch(`${other.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'The registry database is not reachable.' });
    } finally {
      await other.close();
      await unreachable.close();
    }
  });

  it('refuses to start with a short publish token', async () => {
    await expect(startRegistry({ db: database.db, port: 0, publishToken: 'short' })).rejects.toThrow(/at least 16 characters/);
  });
});
