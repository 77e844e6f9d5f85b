import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkWarehouseFile } from './check-file';

const sample = (name: string) => readFileSync(join(__dirname, 'testing/samples', name), 'utf8');

describe('warehouse check (dry run)', () => {
  it('prints each message with its lines', () => {
    const { ok, text } = checkWarehouseFile('receipt-and-inspection.csv', sample('receipt-and-inspection.csv'));
    expect(ok).toBe(true);
    expect(text).toContain('2 message(s) read, 0 error(s)');
    expect(text).toContain('line 4: rli_contract01 / SKU-APP-004 → SELLABLE × 1, DAMAGED × 1');
  });

  it('prints each error with its message and line, and fails', () => {
    const { ok, text } = checkWarehouseFile('receipt.json', sample('receipt.json').replace('"quantity": 2', '"quantity": 0'));
    expect(ok).toBe(false);
    expect(text).toContain('WR-1001 line 1: INVALID_QUANTITY');
  });

  it('names the extensions it reads for any other file', () => {
    expect(checkWarehouseFile('notes.txt', 'hello')).toEqual({ ok: false, text: expect.stringContaining('.json, .jsonl, .csv, .x12, .edi') });
  });
});
