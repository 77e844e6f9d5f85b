import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWarehouseCsv } from './csv-adapter';

const HEADER = 'message_id,warehouse_id,type,return_id,location_id,occurred_at,return_line_id,sku,quantity,disposition';
const row = (overrides: Partial<Record<string, string>> = {}) => {
  const values = {
    message_id: 'M1',
    warehouse_id: 'wh-east',
    type: 'receipt',
    return_id: 'ret_1',
    location_id: 'loc_wh_nj',
    occurred_at: '2026-11-05T10:00:00Z',
    return_line_id: 'rli_1',
    sku: '',
    quantity: '1',
    disposition: '',
    ...overrides,
  };
  return HEADER.split(',')
    .map((column) => values[column as keyof typeof values])
    .join(',');
};

describe('CSV adapter', () => {
  it('reads the sample: a receipt and an inspection whose rows group into lines', () => {
    const result = parseWarehouseCsv(readFileSync(join(__dirname, '../testing/samples/receipt-and-inspection.csv'), 'utf8'));
    expect(result.errors).toEqual([]);
    expect(result.messages.map((m) => [m.kind, m.lines.map((line) => line.lineNumber)])).toEqual([
      ['receipt', [2, 3]],
      ['inspection', [4, 6]],
    ]);
  });

  it('names the file line of a bad row, and reads the other messages', () => {
    const csv = [HEADER, row(), row({ message_id: 'M2', quantity: 'two' }), row({ message_id: 'M3' })].join('\n');
    const result = parseWarehouseCsv(csv);
    expect(result.messages.map((m) => m.messageId)).toEqual(['M1', 'M3']);
    expect(result.errors).toEqual([expect.objectContaining({ messageId: 'M2', lineNumber: 3, code: 'INVALID_QUANTITY' })]);
  });

  it('names the row of a bad disposition inside a grouped inspection line', () => {
    const inspection = { type: 'inspection', disposition: 'SELLABLE' };
    const csv = [HEADER, row(inspection), row({ ...inspection, disposition: 'LOST' })].join('\n');
    expect(parseWarehouseCsv(csv).errors).toEqual([expect.objectContaining({ lineNumber: 3, code: 'UNKNOWN_DISPOSITION' })]);
  });

  it('refuses rows of one message that disagree on its columns, and receipt rows with a disposition', () => {
    const csv = [HEADER, row(), row({ return_line_id: 'rli_2', return_id: 'ret_2' }), row({ return_line_id: 'rli_3', disposition: 'SCRAP' })].join('\n');
    const result = parseWarehouseCsv(csv);
    expect(result.messages).toEqual([]);
    expect(result.errors.map((e) => [e.lineNumber, e.code])).toEqual([
      [3, 'INCONSISTENT_MESSAGE'],
      [4, 'INCONSISTENT_MESSAGE'],
    ]);
  });

  it('refuses a file without the documented header, or with a malformed row, naming the line', () => {
    expect(parseWarehouseCsv(`id,qty\n1,2\n`).errors).toEqual([expect.objectContaining({ lineNumber: 1, code: 'INVALID_CSV' })]);
    expect(parseWarehouseCsv(`${HEADER}\n${row()}\n${row()},extra\n`).errors).toEqual([expect.objectContaining({ lineNumber: 3, code: 'INVALID_CSV' })]);
  });

  it('refuses control characters in a cell', () => {
    const result = parseWarehouseCsv([HEADER, row({ return_line_id: '', sku: '"SKU\u0007"' })].join('\n'));
    expect(result.errors).toEqual([expect.objectContaining({ lineNumber: 2, code: 'INVALID_SKU' })]);
  });
});
