import type { WarehouseMessage, WarehouseParseResult } from '../port';
import type { Encoded, LogicalMessage } from './encode';

/**
 * The contract every warehouse adapter passes (webhook JSON, CSV, X12): the same logical receipt
 * and inspection read to equal messages; a bad line is refused naming that line, and its message
 * is not read at all; quantities of zero or less and unknown dispositions are refused.
 */
export interface WarehouseAdapterUnderTest {
  /** Writes one message in the adapter's format (the webhook JSON adapter reads exactly one). */
  encode(message: LogicalMessage): Encoded;
  parse(content: string): WarehouseParseResult;
  /** The codes this format answers an unknown disposition with (X12 can only send an unmapped reason code). */
  unknownDispositionCodes: readonly string[];
}

/** Midnight UTC: X12 headers carry a date only, so the shared messages happen at midnight. */
const OCCURRED_AT = new Date('2026-11-05T00:00:00Z');

/** A receipt of two lines, one named by return line and SKU, one by SKU only. */
export const contractReceipt = (): LogicalMessage => ({
  kind: 'receipt',
  messageId: 'WR-1001',
  warehouseId: 'wh-east',
  returnId: 'ret_contract01',
  locationId: 'loc_wh_nj',
  occurredAt: OCCURRED_AT,
  lines: [
    { returnLineId: 'rli_contract01', sku: 'SKU-APP-004', quantity: 2 },
    { returnLineId: null, sku: 'SKU-FTW-002', quantity: 1 },
  ],
});

/** An inspection of the same lines: two dispositions of one, one of the other. */
export const contractInspection = (): LogicalMessage => ({
  kind: 'inspection',
  messageId: 'ADJ-2001',
  warehouseId: 'wh-east',
  returnId: 'ret_contract01',
  locationId: 'loc_wh_nj',
  occurredAt: OCCURRED_AT,
  lines: [
    {
      returnLineId: 'rli_contract01',
      sku: 'SKU-APP-004',
      dispositions: [
        { disposition: 'SELLABLE', quantity: 1 },
        { disposition: 'DAMAGED', quantity: 1 },
      ],
    },
    { returnLineId: null, sku: 'SKU-FTW-002', dispositions: [{ disposition: 'SCRAP', quantity: 1 }] },
  ],
});

/** A message without line numbers, for comparing across formats. */
const withoutLineNumbers = (message: WarehouseMessage) => ({ ...message, lines: message.lines.map(({ lineNumber: _, ...line }) => line) });

/** Runs the contract over one adapter. */
export function describeWarehouseAdapterContract(name: string, adapter: WarehouseAdapterUnderTest): void {
  describe(`warehouse adapter contract: ${name}`, () => {
    it.each([
      ['receipt', contractReceipt],
      ['inspection', contractInspection],
    ])('reads a %s to the same message as every other format', (_, build) => {
      const logical = build();
      const encoded = adapter.encode(logical);
      const result = adapter.parse(encoded.content);
      expect(result.errors).toEqual([]);
      expect(result.messages.map(withoutLineNumbers)).toEqual([logical]);
      expect(result.messages[0]?.lines.map((line) => line.lineNumber)).toEqual(logical.lines.map((_line, l) => encoded.lineNumberOf(0, l)));
    });

    it('refuses a message with a bad line, naming that line, and reads nothing of it', () => {
      const logical = contractReceipt();
      const bad = { ...logical, lines: [logical.lines[0], { ...logical.lines[1], quantity: 0 }] } as LogicalMessage;
      const encoded = adapter.encode(bad);
      const result = adapter.parse(encoded.content);
      expect(result.messages).toEqual([]);
      expect(result.errors).toEqual([expect.objectContaining({ messageId: 'WR-1001', lineNumber: encoded.lineNumberOf(0, 1), code: 'INVALID_QUANTITY' })]);
    });

    it.each([0, -3])('refuses a quantity of %i in receipts and inspections', (quantity) => {
      const receipt = contractReceipt();
      const badReceipt = { ...receipt, lines: [{ ...receipt.lines[0], quantity }] } as LogicalMessage;
      const inspection = contractInspection() as Extract<LogicalMessage, { kind: 'inspection' }>;
      const badInspection = { ...inspection, lines: [{ ...inspection.lines[1], dispositions: [{ disposition: 'SCRAP', quantity }] }] } as LogicalMessage;
      for (const message of [badReceipt, badInspection]) {
        const result = adapter.parse(adapter.encode(message).content);
        expect(result.messages).toEqual([]);
        expect(result.errors.map((error) => error.code)).toContain('INVALID_QUANTITY');
      }
    });

    it('refuses an unknown disposition, naming its line', () => {
      const inspection = contractInspection() as Extract<LogicalMessage, { kind: 'inspection' }>;
      const bad = {
        ...inspection,
        lines: [inspection.lines[0], { ...inspection.lines[1], dispositions: [{ disposition: 'LOST', quantity: 1 }] }],
      } as LogicalMessage;
      const encoded = adapter.encode(bad);
      const result = adapter.parse(encoded.content);
      expect(result.messages).toEqual([]);
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]?.lineNumber).toBe(encoded.lineNumberOf(0, 1));
      expect(adapter.unknownDispositionCodes).toContain(result.errors[0]?.code);
    });
  });
}
