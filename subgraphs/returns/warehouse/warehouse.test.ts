import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGraph, type TestGraph } from '../../../test/support/graph';
import { TEST_SETTINGS } from '../../../test/support/settings';
import { footprint, returnInStatus, WAREHOUSE_ID, type BuiltReturn } from '../../../test/support/returns-kit';
import { createWarehouseConnector } from '../../../connectors/warehouse/warehouse-connector';
import { signWarehouseWebhook } from '../../../connectors/warehouse/webhook/signature';
import { toCsv, toJsonObject, toX12, type LogicalMessage } from '../../../connectors/warehouse/testing/encode';
import { WarehouseDropFolder, type FileReport } from './drop-folder';

const SECRET = 'whsec-east-0123456789abcdef0123456789';
const WH = 'wh-east';
/** Long enough for the relay (250 ms poll), the bus and inventory's consumer. */
const EVENTS_WAIT_MS = 10_000;

let graph: TestGraph;
let watched: string;
let scanned: string;
let webhookUrl: string;
let seq = 0;

beforeAll(async () => {
  watched = mkdtempSync(join(tmpdir(), 'wh-watched-'));
  scanned = mkdtempSync(join(tmpdir(), 'wh-scanned-'));
  graph = await startTestGraph({
    seed: false,
    settings: { ...TEST_SETTINGS, warehouse: { secrets: { [WH]: SECRET }, signatureToleranceSeconds: 300, dropDir: watched, dropPollMs: 50 } },
  });
  const returns = graph.graph.subgraphs.find((subgraph) => subgraph.name === 'returns');
  webhookUrl = `${returns?.url}/webhooks/warehouse`;
}, 60_000);

afterAll(async () => {
  await graph?.close();
  rmSync(watched, { recursive: true, force: true });
  rmSync(scanned, { recursive: true, force: true });
});

const nextId = (prefix: string) => `${prefix}-${Date.now()}-${++seq}`;
const lineOf = (built: BuiltReturn) => built.ret.lines[0] as BuiltReturn['ret']['lines'][number];

const receipt = (built: BuiltReturn, quantity = 2, messageId = nextId('WR')): LogicalMessage => ({
  kind: 'receipt',
  messageId,
  warehouseId: WH,
  returnId: built.ret.id,
  locationId: WAREHOUSE_ID,
  occurredAt: new Date('2026-11-05T00:00:00Z'),
  lines: [{ returnLineId: null, sku: lineOf(built).sku, quantity }],
});

const inspection = (built: BuiltReturn, dispositions: { disposition: string; quantity: number }[], messageId = nextId('ADJ')): LogicalMessage => ({
  kind: 'inspection',
  messageId,
  warehouseId: WH,
  returnId: built.ret.id,
  locationId: WAREHOUSE_ID,
  occurredAt: new Date('2026-11-06T00:00:00Z'),
  lines: [{ returnLineId: lineOf(built).id, sku: null, dispositions }],
});

async function post(body: string, options: { secret?: string; warehouseId?: string; at?: number; signature?: string } = {}) {
  const at = options.at ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? signWarehouseWebhook(options.secret ?? SECRET, at, body);
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-warehouse-id': options.warehouseId ?? WH, 'x-warehouse-signature': signature },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function returnRow(id: string) {
  const { rows } = await graph.database.db.query<{ status: string; received: number; dispositioned: number }>(
    `SELECT r.status, sum(l.received_quantity)::int AS received,
            (SELECT coalesce(sum(d.quantity), 0)::int FROM returns.return_line_dispositions d JOIN returns.return_lines x ON x.id = d.return_line_id WHERE x.return_id = r.id) AS dispositioned
     FROM returns.returns r JOIN returns.return_lines l ON l.return_id = r.id WHERE r.id = $1 GROUP BY r.id`,
    [id],
  );
  return rows[0];
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = EVENTS_WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('warehouse intake (returns subgraph)', () => {
  it('receives a return from a dropped 944 (inventory holds the units pending inspection), then inspects it from a 947', async () => {
    const built = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    writeFileSync(join(watched, 'receipt.x12'), toX12([receipt(built)]).content);
    await waitFor('the 944 to be processed', async () => existsSync(join(watched, 'processed', 'receipt.x12')));
    const report = JSON.parse(readFileSync(join(watched, 'processed', 'receipt.x12.report.json'), 'utf8')) as FileReport;
    expect(report.messages.map((m) => m.status)).toEqual(['applied']);
    expect(await returnRow(built.ret.id)).toMatchObject({ status: 'RECEIVED', received: 2 });
    const pending = await waitFor('inventory to hold the units pending inspection', async () => {
      const { rows } = await graph.database.db.query<{ pending: number }>(`SELECT pending FROM inventory.return_units WHERE return_line_id = $1`, [
        lineOf(built).id,
      ]);
      return rows[0]?.pending === 2 ? rows[0] : null;
    });
    expect(pending.pending).toBe(2);

    const adjustment = inspection(built, [
      { disposition: 'SELLABLE', quantity: 1 },
      { disposition: 'DAMAGED', quantity: 1 },
    ]);
    writeFileSync(join(watched, 'inspection.edi'), toX12([adjustment], { interchangeControl: 202 }).content);
    await waitFor('the 947 to be processed', async () => existsSync(join(watched, 'processed', 'inspection.edi')));
    expect(await returnRow(built.ret.id)).toMatchObject({ status: 'INSPECTED', dispositioned: 2 });
  });

  it('applies a signed JSON webhook inspection once; a replay answers duplicate and changes nothing', async () => {
    const built = await returnInStatus(graph, graph.database.db, 'RECEIVED');
    const body = JSON.stringify(toJsonObject(inspection(built, [{ disposition: 'REFURBISH', quantity: 2 }])));
    const first = await post(body);
    expect(first).toEqual({ status: 200, body: { status: 'applied', messageId: expect.any(String) } });
    expect(await returnRow(built.ret.id)).toMatchObject({ status: 'INSPECTED', dispositioned: 2 });
    const before = await footprint(graph.database.db, { returnId: built.ret.id });
    const replay = await post(body);
    expect(replay).toEqual({ status: 200, body: { status: 'duplicate', messageId: first.body.messageId } });
    expect(await footprint(graph.database.db, { returnId: built.ret.id })).toEqual(before);
  });

  it('answers 401 to a tampered body, an unknown warehouse, another secret and a stale timestamp, applying nothing', async () => {
    const built = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    const body = JSON.stringify(toJsonObject(receipt(built)));
    const now = Math.floor(Date.now() / 1000);
    // Scoped to this return (schema-wide counts of returns, lines, receipts and units stay): an earlier test's return may still complete meanwhile.
    const before = await footprint(graph.database.db, { returnId: built.ret.id });
    const refusals = [
      await post(body.replace('"quantity":2', '"quantity":1'), { signature: signWarehouseWebhook(SECRET, now, body) }),
      await post(body, { warehouseId: 'wh-nowhere' }),
      await post(body, { secret: 'x'.repeat(40) }),
      await post(body, { at: now - 301 }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    expect(new Set(refusals.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(await footprint(graph.database.db, { returnId: built.ret.id })).toEqual(before);
  });

  it('refuses a message with a line above what is expected with 422 naming the line, applying nothing; a repeat answers the same', async () => {
    const built = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    const message = receipt(built, 3);
    const body = JSON.stringify(toJsonObject(message));
    const before = await footprint(graph.database.db, { returnId: built.ret.id });
    const answer = await post(body);
    expect(answer).toEqual({
      status: 422,
      body: { messageId: message.messageId, errors: [{ lineNumber: 1, code: 'QUANTITY_EXCEEDS_OUTSTANDING', message: expect.stringContaining('2 unit(s)') }] },
    });
    expect(await footprint(graph.database.db, { returnId: built.ret.id })).toEqual(before);
    expect(await post(body)).toEqual(answer);
    const reused = await post(
      JSON.stringify(toJsonObject({ ...message, lines: [{ returnLineId: null, sku: lineOf(built).sku, quantity: 2 }] } as LogicalMessage)),
    );
    expect(reused.body.errors).toEqual([expect.objectContaining({ code: 'MESSAGE_ID_REUSED' })]);
  });

  it('answers 422 for unreadable lines, unknown SKUs and a message naming another warehouse; 413 over 1 MiB', async () => {
    const built = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    const unknownSku = { ...receipt(built), lines: [{ returnLineId: null, sku: 'SKU-NOT-ON-RETURN', quantity: 1 }] } as LogicalMessage;
    expect((await post(JSON.stringify(toJsonObject(unknownSku)))).body.errors).toEqual([expect.objectContaining({ lineNumber: 1, code: 'UNKNOWN_SKU' })]);
    const negative = { ...toJsonObject(receipt(built)), lines: [{ sku: 'SKU-APP-004', quantity: -2 }] };
    expect(await post(JSON.stringify(negative))).toMatchObject({ status: 422, body: { errors: [{ lineNumber: 1, code: 'INVALID_QUANTITY' }] } });
    const other = { ...toJsonObject(receipt(built)), warehouseId: 'wh-west' };
    expect(await post(JSON.stringify(other))).toMatchObject({ status: 422, body: { errors: [{ code: 'WAREHOUSE_MISMATCH' }] } });
    expect((await post(`{"pad":"${'x'.repeat(1024 * 1024)}"}`)).status).toBe(413);
    expect(await returnRow(built.ret.id)).toMatchObject({ status: 'IN_TRANSIT', received: 0 });
  });

  it('moves a file with a refused message to rejected/ with a report naming it and its line; the good message is applied once across re-scans', async () => {
    const good = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    const bad = await returnInStatus(graph, graph.database.db, 'IN_TRANSIT');
    const connector = createWarehouseConnector({ secrets: {} });
    const folder = new WarehouseDropFolder(graph.database.db, connector, { dir: scanned, pollMs: 50, settleMs: 0 });
    const goodMessage = receipt(good);
    const badMessage = receipt(bad, 5);
    const content = toCsv([goodMessage, badMessage]).content;
    writeFileSync(join(scanned, 'batch.csv'), content);
    writeFileSync(join(scanned, 'notes.txt'), 'not a warehouse file');
    const [report] = await folder.scanOnce();
    expect(report).toMatchObject({
      file: 'batch.csv',
      movedTo: 'rejected',
      messages: [
        { messageId: goodMessage.messageId, status: 'applied' },
        { messageId: badMessage.messageId, status: 'rejected', errors: [{ lineNumber: 3, code: 'QUANTITY_EXCEEDS_OUTSTANDING' }] },
      ],
      unreadable: [],
    });
    expect(JSON.parse(readFileSync(join(scanned, 'rejected', 'batch.csv.report.json'), 'utf8'))).toEqual(report);
    expect(existsSync(join(scanned, 'rejected', 'batch.csv'))).toBe(true);
    expect(existsSync(join(scanned, 'notes.txt'))).toBe(true);

    // The 3PL drops the same file again (as after a crash before the move): nothing is applied twice.
    // Scoped to the two returns in the file: an earlier test's return may still be completing in
    // the background (inspected, refunded, completed), which an unscoped footprint would count.
    writeFileSync(join(scanned, 'batch.csv'), content);
    const touched = () => Promise.all([good, bad].map((built) => footprint(graph.database.db, { returnId: built.ret.id })));
    const before = await touched();
    const [again] = await folder.scanOnce();
    expect(again?.messages.map((m) => m.status)).toEqual(['duplicate', 'rejected']);
    expect(await touched()).toEqual(before);
    expect(await returnRow(good.ret.id)).toMatchObject({ status: 'RECEIVED', received: 2 });
    expect(again?.storedAs).toMatch(/^\d+-batch\.csv$/);
    expect(existsSync(join(scanned, 'rejected', `${again?.storedAs}`))).toBe(true);
  });

  it('reports unreadable files and lines in rejected/', async () => {
    const connector = createWarehouseConnector({ secrets: {} });
    const folder = new WarehouseDropFolder(graph.database.db, connector, { dir: scanned, pollMs: 50, settleMs: 0 });
    writeFileSync(join(scanned, 'broken.x12'), 'ISA*this is not an interchange');
    const reports = await folder.scanOnce();
    expect(reports).toEqual([
      expect.objectContaining({ file: 'broken.x12', movedTo: 'rejected', messages: [], unreadable: [expect.objectContaining({ code: 'INVALID_X12' })] }),
    ]);
  });
});
