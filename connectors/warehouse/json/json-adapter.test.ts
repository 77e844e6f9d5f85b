import { parseWarehouseJsonFile, parseWarehouseJsonLines, parseWarehouseWebhookJson } from './json-adapter';
import { toJsonObject } from '../testing/encode';
import { contractInspection, contractReceipt } from '../testing/warehouse.contract';

const receipt = () => toJsonObject(contractReceipt()) as Record<string, unknown> & { lines: Record<string, unknown>[] };
const codesOf = (body: unknown) => parseWarehouseWebhookJson(typeof body === 'string' ? body : JSON.stringify(body)).errors.map((e) => [e.lineNumber, e.code]);

describe('JSON adapter', () => {
  it('reads the documented receipt', () => {
    const result = parseWarehouseWebhookJson(JSON.stringify(receipt()));
    expect(result.errors).toEqual([]);
    expect(result.messages[0]).toMatchObject({
      kind: 'receipt',
      messageId: 'WR-1001',
      lines: [
        { lineNumber: 1, quantity: 2 },
        { lineNumber: 2, sku: 'SKU-FTW-002' },
      ],
    });
  });

  it('answers INVALID_JSON for a body that is not JSON or not one object', () => {
    expect(codesOf('{"messageId":')).toEqual([[null, 'INVALID_JSON']]);
    expect(codesOf([receipt()])).toEqual([[null, 'INVALID_JSON']]);
    expect(codesOf('null')).toEqual([[null, 'INVALID_JSON']]);
  });

  it('refuses control characters and NUL in ids and SKUs, naming the line', () => {
    const body = receipt();
    body.lines[1] = { sku: 'SKU\u0000-1', quantity: 1 };
    expect(codesOf(body)).toEqual([[2, 'INVALID_SKU']]);
    expect(codesOf({ ...receipt(), returnId: 'ret_\u001b[31m' })).toEqual([[null, 'INVALID_ID']]);
  });

  it('refuses a megabyte string without echoing it', () => {
    const huge = 'A'.repeat(1024 * 1024);
    const body = receipt();
    body.lines[0] = { sku: huge, quantity: 1 };
    const result = parseWarehouseWebhookJson(JSON.stringify({ ...body, messageId: huge }));
    expect(result.errors.map((e) => [e.messageId, e.lineNumber, e.code])).toEqual([
      [null, null, 'INVALID_ID'],
      [null, 1, 'INVALID_SKU'],
    ]);
    expect(JSON.stringify(result.errors).length).toBeLessThan(1000);
  });

  it('refuses negative, fractional, textual and enormous counts', () => {
    for (const quantity of [-1, 1.5, '2', 1e9, null]) {
      const body = receipt();
      body.lines[0] = { returnLineId: 'rli_1', quantity };
      expect(codesOf(body)).toEqual([[1, 'INVALID_QUANTITY']]);
    }
  });

  it('refuses malformed dates and dates without an offset', () => {
    for (const occurredAt of ['2026-13-40T00:00:00Z', '2026-11-05', '2026-11-05T10:00:00', 'yesterday', 42]) {
      expect(codesOf({ ...receipt(), occurredAt })).toEqual([[null, 'INVALID_DATE']]);
    }
  });

  it('names missing fields, unknown fields, unknown types and unidentified lines', () => {
    const { returnId: _, ...withoutReturn } = receipt();
    expect(codesOf(withoutReturn)).toEqual([[null, 'MISSING_FIELD']]);
    const typo = receipt();
    typo.lines[0] = { returnLineId: 'rli_1', qty: 1, quantity: 1 };
    expect(codesOf(typo)).toEqual([[1, 'UNKNOWN_FIELD']]);
    expect(codesOf({ ...receipt(), type: 'shipment' })).toEqual([[null, 'UNKNOWN_TYPE']]);
    const anonymous = receipt();
    anonymous.lines[1] = { quantity: 1 };
    expect(codesOf(anonymous)).toEqual([[2, 'LINE_NOT_IDENTIFIED']]);
    expect(codesOf({ ...receipt(), lines: [] })).toEqual([[null, 'NO_LINES']]);
  });

  it('reads a file of several messages and JSON Lines, refusing only the broken ones', () => {
    const inspection = toJsonObject(contractInspection());
    const file = parseWarehouseJsonFile(JSON.stringify([receipt(), { ...inspection, lines: [] }]));
    expect(file.messages.map((m) => m.messageId)).toEqual(['WR-1001']);
    expect(file.errors.map((e) => [e.messageId, e.code])).toEqual([['ADJ-2001', 'NO_LINES']]);
    const lines = parseWarehouseJsonLines(`${JSON.stringify(receipt())}\n\nnot json\n${JSON.stringify(inspection)}\n`);
    expect(lines.messages.map((m) => m.messageId)).toEqual(['WR-1001', 'ADJ-2001']);
    expect(lines.errors).toEqual([expect.objectContaining({ code: 'INVALID_JSON', message: expect.stringContaining('Line 3') })]);
  });

  it('survives absurdly nested input', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(() => parseWarehouseJsonFile(deep)).not.toThrow();
    expect(parseWarehouseJsonFile(deep).messages).toEqual([]);
  });
});
