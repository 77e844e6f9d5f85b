import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGraph, type TestGraph } from '../../test/support/graph';
import { principals } from '../../test/support/principals';
import { httpGraphClient, type GraphClient } from '../ingest/graph-client';
import { plainProgress } from '../ingest/progress';
import type { Io } from '../ingest/cli-io';
import { main } from './cli';

/**
 * The import command against the whole graph on real PostgreSQL, through the gateway, as an
 * operator runs it: the example files of demo/import, a re-run, bad rows, a dry run, a resume.
 */
let t: TestGraph;
let graph: GraphClient;
let dir: string;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  graph = httpGraphClient(t.url, await t.tokenFor(principals.operations()));
  dir = mkdtempSync(join(tmpdir(), 'rg-import-'));
});

afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the command with captured output; answers the exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (line) => out.push(line), err: (line) => err.push(line) };
  const code = await main(argv, { gatewayUrl: t.url }, { graph, io, progress: plainProgress('test', (line) => err.push(line)) });
  return { code, out, err };
}

/** A copy of a demo/import example in the test's folder (state and report files land beside it). */
function example(name: string): string {
  const path = join(dir, name);
  copyFileSync(join(__dirname, '../../demo/import', name), path);
  return path;
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const count = async (sql: string, params: unknown[] = []) => Number((await t.database.db.query<{ n: string }>(sql, params)).rows[0]?.n);
const ledgerRows = () => count(`SELECT count(*) AS n FROM inventory.movements`);
const outboxRows = () => count(`SELECT count(*) AS n FROM inventory.outbox`);
const reportOf = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { row: number; field: string | null; code: string });

describe('npm run import', () => {
  it('imports the example locations, products, stock and orders, and a second run changes nothing', async () => {
    const files = { locations: example('locations.csv'), products: example('products.jsonl'), stock: example('stock.csv'), orders: example('orders.jsonl') };
    for (const [kind, path] of Object.entries(files)) {
      const result = await run(kind, path);
      expect({ kind, code: result.code, out: result.out[0] }).toEqual({ kind, code: 0, out: expect.stringMatching(/failed 0/) });
    }
    const { rows: locations } = await t.database.db.query(
      `SELECT id, kind, safety_stock, unopened_returns_sellable FROM inventory.locations WHERE id = ANY($1) ORDER BY id`,
      [['loc_store_bos', 'loc_store_sea', 'loc_wh_reno']],
    );
    expect(locations).toEqual([
      { id: 'loc_store_bos', kind: 'STORE', safety_stock: 2, unopened_returns_sellable: false },
      { id: 'loc_store_sea', kind: 'STORE', safety_stock: 0, unopened_returns_sellable: true },
      { id: 'loc_wh_reno', kind: 'WAREHOUSE', safety_stock: 0, unopened_returns_sellable: false },
    ]);
    const { rows: balances } = await t.database.db.query(
      `SELECT sku, location_id, state, quantity FROM inventory.stock_balances WHERE quantity > 0 AND sku LIKE 'SKU-IMP-%' ORDER BY 1, 2, 3`,
    );
    expect(balances).toEqual([
      { sku: 'SKU-IMP-001', location_id: 'loc_store_bos', state: 'SELLABLE', quantity: 24 },
      { sku: 'SKU-IMP-002', location_id: 'loc_store_bos', state: 'SELLABLE', quantity: 6 },
      { sku: 'SKU-IMP-003', location_id: 'loc_wh_reno', state: 'DAMAGED', quantity: 3 },
      { sku: 'SKU-IMP-003', location_id: 'loc_wh_reno', state: 'SELLABLE', quantity: 140 },
    ]);
    expect(await count(`SELECT count(*) AS n FROM inventory.products WHERE sku LIKE 'SKU-IMP-%'`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM orders.orders WHERE source = 'legacy'`)).toBe(2);

    const ledger = await ledgerRows();
    const outbox = await outboxRows();
    for (const [kind, path] of Object.entries(files)) expect((await run(kind, path)).code).toBe(0);
    expect(await ledgerRows()).toBe(ledger);
    expect(await outboxRows()).toBe(outbox);
    // A new file with the same opening stock sets the balance to what it already is: nothing added.
    const again = await run('stock', file('stock-again.csv', 'sku,locationId,quantity\nSKU-IMP-001,loc_store_bos,24\n'));
    expect(again.out[0]).toMatch(/unchanged 1/);
    expect(await ledgerRows()).toBe(ledger);
  });

  it('applies the good rows of a file with two bad ones and reports rows 4 and 7 with their codes', async () => {
    const lines = ['sku,title,category'];
    for (let row = 1; row <= 10; row += 1) {
      if (row === 4) lines.push('SKU-BAD-004,,home');
      else if (row === 7) lines.push('SKU BAD 007,Spaces in the SKU,home');
      else lines.push(`SKU-TEN-${row},Product ${row},home`);
    }
    const path = file('ten.csv', `${lines.join('\n')}\n`);
    const result = await run('products', path);
    expect(result.code).toBe(1);
    expect(result.out[0]).toMatch(/read 10, created 8, .* failed 2/);
    expect(await count(`SELECT count(*) AS n FROM inventory.products WHERE sku LIKE 'SKU-TEN-%'`)).toBe(8);
    expect(reportOf(`${path}.import-report.jsonl`)).toEqual([
      expect.objectContaining({ row: 4, field: 'title', code: 'INVALID_VALUE' }),
      expect.objectContaining({ row: 7, field: 'input.sku', code: 'INVALID_VALUE' }),
    ]);
  });

  it('validates everything and sends nothing on a dry run', async () => {
    const path = file('dry.csv', 'id,name,kind\nloc_store_dry,Dry Store,STORE\nloc_store_dry2,Kiosk,KIOSK\n');
    const result = await run('locations', path, '--dry-run');
    expect(result.code).toBe(1);
    expect(reportOf(`${path}.import-report.jsonl`)).toEqual([expect.objectContaining({ row: 2, field: 'kind', code: 'INVALID_VALUE' })]);
    expect(await count(`SELECT count(*) AS n FROM inventory.locations WHERE id LIKE 'loc_store_dry%'`)).toBe(0);
    expect(existsSync(`${path}.import-state.json`)).toBe(false);
  });

  it('resumes after an interruption and applies the rest once', async () => {
    const rows = Array.from({ length: 12 }, (_, index) => `SKU-RES-${index + 1},loc_wh_reno,${index + 1}`);
    const path = file('resume.csv', `sku,locationId,quantity\n${rows.join('\n')}\n`);
    const first = await run('stock', path, '--limit', '5');
    expect(first.code).toBe(1);
    expect(first.out.join('\n')).toMatch(/7 row\(s\) not done yet/);
    expect(JSON.parse(readFileSync(`${path}.import-state.json`, 'utf8'))).toMatchObject({ kind: 'stock', lastRow: 5 });
    const ledger = await ledgerRows();
    const second = await run('stock', path, '--resume');
    expect(second.code).toBe(0);
    expect(second.out[0]).toMatch(/read 7, created 0, updated 7/);
    expect(await ledgerRows()).toBe(ledger + 7);
    expect(await count(`SELECT sum(quantity) AS n FROM inventory.stock_balances WHERE sku LIKE 'SKU-RES-%'`)).toBe(78);
    // Nothing left: a third resume reads no rows.
    expect((await run('stock', path, '--resume')).out[0]).toMatch(/read 0/);
  });

  it('refuses to resume a file that changed since its state was saved', async () => {
    const path = file('changing.csv', 'sku,title,category\nSKU-CHG-1,One,home\nSKU-CHG-2,Two,home\n');
    await run('products', path, '--limit', '1');
    writeFileSync(path, 'sku,title,category\nSKU-CHG-1,One,home\nSKU-CHG-3,Three,home\n');
    const resumed = await run('products', path, '--resume');
    expect(resumed.code).toBe(2);
    expect(resumed.err.join('\n')).toMatch(/changed since/);
  });

  it('refuses unknown kinds, orders as CSV and files of no known format with usage', async () => {
    expect((await run('customers', 'x.csv')).code).toBe(2);
    expect((await run('orders', 'orders.csv')).err[0]).toMatch(/JSON Lines/);
    expect((await run('products', 'products.txt')).err[0]).toMatch(/cannot tell the format/);
  });
});
