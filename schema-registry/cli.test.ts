import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningServer } from '../platform/http/server';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { main, type CliIo, type CliSettings } from './cli';
import { startRegistry } from './server';
import { ORDERS_SDL, ORDERS_WITHOUT_NUMBER_SDL, TEST_PUBLISH_TOKEN, resetRegistry } from './testing/fixtures';

let database: TestDatabase;
let server: RunningServer;
let dir: string;
let settings: CliSettings;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startRegistry({ db: database.db, port: 0, publishToken: TEST_PUBLISH_TOKEN });
  dir = await mkdtemp(join(tmpdir(), 'registry-cli-'));
  await writeFile(join(dir, 'orders.graphql'), ORDERS_SDL);
  await writeFile(join(dir, 'orders-breaking.graphql'), ORDERS_WITHOUT_NUMBER_SDL);
  settings = { registryUrl: server.url, registryToken: TEST_PUBLISH_TOKEN, publishedBy: 'cli:tester' };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await server.close();
  await database.drop();
});
beforeEach(async () => {
  await resetRegistry(database.db);
});

/** Runs the CLI with captured output. */
async function run(args: string[], cliSettings: CliSettings = settings): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(args, cliSettings, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('registry CLI', () => {
  it('publishes a schema file, then lists it and prints the supergraph', async () => {
    const published = await run(['publish', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders.graphql')]);
    expect(published).toMatchObject({ code: 0, out: 'Published orders: subgraph v1, supergraph v1.' });

    const listed = await run(['list']);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/^orders\tv1\thttp:\/\/127\.0\.0\.1:4001\/graphql\t\S+\tcli:tester$/);

    const supergraph = await run(['supergraph']);
    expect(supergraph.code).toBe(0);
    expect(supergraph.out).toContain('@join__graph(name: "orders"');
  });

  it('exits 1 and lists the breaking changes when a publish is rejected, and publishes with --force', async () => {
    await run(['publish', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders.graphql')]);
    const args = ['publish', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders-breaking.graphql')];

    const rejected = await run(args);
    expect(rejected.code).toBe(1);
    expect(rejected.out).toContain('Rejected orders.');
    expect(rejected.out).toContain('FIELD_REMOVED: Order.number was removed.');

    const forced = await run([...args, '--force']);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain('Published orders: subgraph v2, supergraph v2 (breaking changes forced).');
  });

  it('checks without writing', async () => {
    const checked = await run(['check', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders.graphql')]);
    expect(checked).toMatchObject({ code: 0, out: 'Check passed for orders; nothing was written.' });
    expect(await run(['list'])).toMatchObject({ code: 0, out: 'No subgraphs published yet.' });
  });

  it('exits 1 with the reason when the token is wrong or the registry is unreachable', async () => {
    const args = ['publish', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders.graphql')];
    const unauthorized = await run(args, { ...settings, registryToken: 'wrong-token' });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.err).toContain('answered 401');

    const unreachable = await run(['list'], { registryUrl: 'http://127.0.0.1:1', publishedBy: 'cli:tester' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain('is not reachable');
  });

  it('sends the registry token with list and supergraph, and exits 1 with the 401 without it', async () => {
    await run(['publish', 'orders', '--url', 'http://127.0.0.1:4001/graphql', '--schema', join(dir, 'orders.graphql')]);
    const withoutToken = { registryUrl: server.url, publishedBy: 'cli:tester' };
    for (const command of ['list', 'supergraph']) {
      const refused = await run([command], withoutToken);
      expect(refused.code).toBe(1);
      expect(refused.err).toContain('answered 401');
      expect(refused.out).not.toContain('127.0.0.1:4001');
      expect((await run([command])).code).toBe(0);
    }
  });

  it('exits 2 with the usage on a missing option or an unknown command', async () => {
    const missing = await run(['publish', 'orders', '--schema', join(dir, 'orders.graphql')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('publish needs <name>, --url and --schema.');
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['list', '--bogus'])).code).toBe(2);
  });
});
