import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseWarehouseX12 } from './x12-adapter';
import { toX12, type LogicalMessage } from '../testing/encode';
import { contractInspection, contractReceipt } from '../testing/warehouse.contract';

const sample = (name: string) => readFileSync(join(__dirname, '../testing/samples', name), 'utf8');
const codes = (content: string) => parseWarehouseX12(content).errors.map((e) => e.code);

describe('X12 adapter', () => {
  it('reads the 944 and 947 samples', () => {
    const receipt = parseWarehouseX12(sample('receipt-944.x12'));
    expect(receipt.errors).toEqual([]);
    expect(receipt.messages).toEqual([expect.objectContaining({ kind: 'receipt', messageId: 'WR-1001', warehouseId: 'wh-east', returnId: 'ret_contract01' })]);
    const inspection = parseWarehouseX12(sample('inspection-947.x12'));
    expect(inspection.errors).toEqual([]);
    expect(inspection.messages[0]?.kind).toBe('inspection');
  });

  it('reads several transaction sets of one interchange as several messages', () => {
    const second = { ...contractReceipt(), messageId: 'WR-1002' } as LogicalMessage;
    const result = parseWarehouseX12(toX12([contractReceipt(), second, contractInspection()]).content);
    expect(result.errors).toEqual([]);
    expect(result.messages.map((m) => m.messageId)).toEqual(['WR-1001', 'WR-1002', 'ADJ-2001']);
  });

  it('checks the envelope: control numbers and counts', () => {
    expect(codes(toX12([contractReceipt()], { ieaControl: 999 }).content)).toEqual(['ENVELOPE_MISMATCH']);
    expect(codes(toX12([contractReceipt()], { geCount: 2 }).content)).toEqual(['ENVELOPE_MISMATCH']);
    expect(codes(sample('receipt-944.x12').replace('SE*8*0001', 'SE*8*0009'))).toEqual(['ENVELOPE_MISMATCH']);
    expect(codes(sample('receipt-944.x12').replace('SE*8*0001', 'SE*5*0001'))).toEqual(['ENVELOPE_MISMATCH']);
    expect(codes(sample('receipt-944.x12').replace('GE*1*1010~\n', ''))).toEqual(['ENVELOPE_MISMATCH']);
    expect(codes(sample('receipt-944.x12').replace('GS*RE', 'GS*AW'))).toEqual(['ENVELOPE_MISMATCH']);
  });

  it('refuses what is outside the subset with a code saying what', () => {
    expect(codes(sample('receipt-944.x12').replace('ST*944', 'ST*940'))).toEqual(['UNSUPPORTED_TRANSACTION_SET']);
    expect(codes(toX12([contractReceipt()], { extraSegments: ['PO1*1*2*EA'] }).content)).toEqual(['UNSUPPORTED_SEGMENT']);
    expect(codes(sample('receipt-944.x12').replace('W07*1*EA', 'W07*1*CA'))).toEqual(['UNSUPPORTED_UNIT']);
    expect(codes(sample('receipt-944.x12').replace('**SK*SKU-FTW-002', '**ZZ*SKU-FTW-002'))).toEqual(['UNSUPPORTED_PRODUCT_QUALIFIER']);
    expect(codes(sample('inspection-947.x12').replace('W19*07', 'W19*AA'))).toEqual(['UNSUPPORTED_REASON_CODE']);
    expect(codes(sample('receipt-944.x12').replace('W14*3', 'W14*4'))).toEqual(['TOTAL_MISMATCH']);
    expect(codes(sample('inspection-947.x12').replace('N9*RZ*ret_contract01~\n', '').replace('SE*10', 'SE*9'))).toEqual(['MISSING_SEGMENT']);
  });

  it('names the W07 of a bad line', () => {
    const result = parseWarehouseX12(sample('receipt-944.x12').replace('W07*1*EA', 'W07*-1*EA').replace('W14*3', 'W14*1'));
    expect(result.errors).toEqual([expect.objectContaining({ messageId: 'WR-1001', lineNumber: 2, code: 'INVALID_QUANTITY' })]);
  });

  it('answers INVALID_X12 for input that is not X12', () => {
    expect(codes('hello')).toEqual(['INVALID_X12']);
    expect(codes('\u0000'.repeat(200))).toEqual(['INVALID_X12']);
  });
});
