import { X12FatInterchange, X12Parser, type X12Interchange, type X12Transaction } from 'node-x12';
import type { WarehouseLineError, WarehouseParseResult } from '../port';
import { lineError, WarehouseErrorCode, WarehouseMessages } from '../errors';
import { MAX_MESSAGES_PER_INPUT } from '../limits';
import { readMessage, readableMessageId } from '../read-message';
import { groupErrors, interchangeErrors, transactionErrors } from './x12-envelope';
import { element } from './x12-segments';
import { readReceipt944 } from './receipt-944';
import { readInspection947 } from './inspection-947';
import type { X12Read } from './x12-transaction';

/**
 * The X12 adapter, on node-x12's `X12Parser`: every 944 and 947 of every interchange (several
 * interchanges in one file are read one by one) becomes one message. The warehouse is the
 * interchange sender (ISA06): the trading partner the 3PL was onboarded as.
 */
export function parseWarehouseX12(content: string): WarehouseParseResult {
  let parsed: X12Interchange | X12FatInterchange;
  try {
    // Strict: the parser refuses a file whose envelope counts or control numbers disagree.
    parsed = new X12Parser(true).parse(content.trim());
  } catch (error) {
    return { messages: [], errors: [parserError(error)] };
  }
  const interchanges = parsed instanceof X12FatInterchange ? parsed.interchanges : [parsed];
  const result: WarehouseParseResult = { messages: [], errors: [] };
  for (const interchange of interchanges) readInterchange(interchange, result);
  if (result.messages.length > MAX_MESSAGES_PER_INPUT) {
    return { messages: [], errors: [lineError(null, null, WarehouseErrorCode.TOO_MANY_MESSAGES, WarehouseMessages.tooManyMessages(MAX_MESSAGES_PER_INPUT))] };
  }
  return result;
}

function readInterchange(interchange: X12Interchange, result: WarehouseParseResult): void {
  const broken = interchangeErrors(interchange);
  if (broken.length > 0) {
    result.errors.push(...broken);
    return;
  }
  const warehouseId = element(interchange.header, 6) ?? '';
  for (const group of interchange.functionalGroups) {
    const groupBroken = groupErrors(group);
    result.errors.push(...groupBroken);
    if (groupBroken.length > 0) continue;
    for (const transaction of group.transactions) {
      const setBroken = transactionErrors(transaction, group);
      if (setBroken.length > 0) result.errors.push(...setBroken);
      else readSet(transaction, warehouseId, result);
    }
  }
}

function readSet(transaction: X12Transaction, warehouseId: string, result: WarehouseParseResult): void {
  const read: X12Read = element(transaction.header, 1) === '944' ? readReceipt944(transaction, warehouseId) : readInspection947(transaction, warehouseId);
  const message = readMessage(read.candidate, read.locate);
  const messageId = readableMessageId(read.candidate);
  // The adapter's own error on a line says more than the schema's about the same line.
  const covered = new Set(read.errors.map((error) => error.lineNumber));
  const schemaErrors = message.ok ? [] : message.errors.filter((error) => !covered.has(error.lineNumber));
  const errors: WarehouseLineError[] = [...read.errors.map((error) => ({ ...error, messageId })), ...schemaErrors];
  if (errors.length > 0) result.errors.push(...errors);
  else if (message.ok) result.messages.push(message.message);
}

/**
 * The strict parser checks control numbers and counts of ISA/IEA, GS/GE and ST/SE itself and
 * throws for the whole file ("The value in IEA02 (999) does not match ..."): those are envelope
 * mismatches; anything else is unreadable X12.
 */
function parserError(error: unknown): WarehouseLineError {
  const reason =
    error instanceof Error
      ? error.message
          .replace(/^X12 Standard: /, '')
          .replace(/\.+$/, '')
          .slice(0, 200)
      : 'unreadable';
  if (/does not match/.test(reason)) return lineError(null, null, WarehouseErrorCode.ENVELOPE_MISMATCH, `${reason}.`);
  return lineError(null, null, WarehouseErrorCode.INVALID_X12, WarehouseMessages.invalidX12(reason));
}
