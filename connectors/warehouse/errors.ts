import type { WarehouseLineError } from './port';

/**
 * Why an adapter could not read a message or a line: the codes every adapter answers with (the
 * README lists them), and their messages together so they read alike. A message never echoes the
 * value it refuses: a hostile sender's megabyte string or control characters stay out of reports
 * and logs.
 */
export const WarehouseErrorCode = {
  /** The input is not JSON / CSV / X12 at all, or not the shape of the format. */
  INVALID_JSON: 'INVALID_JSON',
  INVALID_CSV: 'INVALID_CSV',
  INVALID_X12: 'INVALID_X12',
  /** A required field is absent. */
  MISSING_FIELD: 'MISSING_FIELD',
  /** A field the format does not define (a typo such as `qty` is not silently ignored). */
  UNKNOWN_FIELD: 'UNKNOWN_FIELD',
  /** An id (message, warehouse, return, location, return line) that is not 1-100 of `A-Za-z0-9_.:-`. */
  INVALID_ID: 'INVALID_ID',
  /** A SKU that is empty, longer than 100 characters or holds control characters. */
  INVALID_SKU: 'INVALID_SKU',
  /** `type` is neither `receipt` nor `inspection`. */
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  /** `occurredAt` is not an ISO 8601 date-time with an offset (X12: not a CCYYMMDD date). */
  INVALID_DATE: 'INVALID_DATE',
  /** A quantity that is not a whole number from 1 to `MAX_QUANTITY`. */
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  /** A disposition outside SELLABLE, DAMAGED, REFURBISH, VENDOR_RETURN, SCRAP. */
  UNKNOWN_DISPOSITION: 'UNKNOWN_DISPOSITION',
  /** A message without lines, or an inspection line without dispositions. */
  NO_LINES: 'NO_LINES',
  NO_DISPOSITIONS: 'NO_DISPOSITIONS',
  /** More lines (or dispositions) than one message may hold. */
  TOO_MANY_LINES: 'TOO_MANY_LINES',
  /** A line names neither a return line nor a SKU. */
  LINE_NOT_IDENTIFIED: 'LINE_NOT_IDENTIFIED',
  /** CSV: rows of one message_id disagree on the message's own columns, or a receipt row names a disposition. */
  INCONSISTENT_MESSAGE: 'INCONSISTENT_MESSAGE',
  /** More messages in one input than one file may hold. */
  TOO_MANY_MESSAGES: 'TOO_MANY_MESSAGES',
  /** X12: an ISA/IEA, GS/GE or ST/SE pair whose control numbers or counts disagree. */
  ENVELOPE_MISMATCH: 'ENVELOPE_MISMATCH',
  /** X12: a transaction set, segment, unit, product qualifier or reason code outside the supported subset. */
  UNSUPPORTED_TRANSACTION_SET: 'UNSUPPORTED_TRANSACTION_SET',
  UNSUPPORTED_SEGMENT: 'UNSUPPORTED_SEGMENT',
  UNSUPPORTED_UNIT: 'UNSUPPORTED_UNIT',
  UNSUPPORTED_PRODUCT_QUALIFIER: 'UNSUPPORTED_PRODUCT_QUALIFIER',
  UNSUPPORTED_REASON_CODE: 'UNSUPPORTED_REASON_CODE',
  /** X12: a required segment (W17, W15, N1*WH, ...) is missing. */
  MISSING_SEGMENT: 'MISSING_SEGMENT',
  /** X12 944: W14's total differs from the sum of the W07 quantities. */
  TOTAL_MISMATCH: 'TOTAL_MISMATCH',
  /** Anything else the message schema refuses. */
  INVALID_MESSAGE: 'INVALID_MESSAGE',
} as const;

export type WarehouseErrorCode = (typeof WarehouseErrorCode)[keyof typeof WarehouseErrorCode];

/** Messages of the codes, together. `at` names the field or segment (`lines[2].quantity`, `W07 #2`). */
export const WarehouseMessages = {
  invalidJson: 'The body is not valid JSON.',
  jsonShape: 'Expected one message object (a file may also hold an array of them, or one per line as JSON Lines).',
  invalidCsv: (reason: string) => `The file is not CSV in the documented columns: ${reason}.`,
  invalidX12: (reason: string) => `The file is not a readable X12 interchange: ${reason}.`,
  missingField: (at: string) => `${at} is required.`,
  unknownField: (keys: string[]) => `Unknown field(s): ${keys.map((key) => key.slice(0, 40)).join(', ')}.`,
  invalidId: (at: string) => `${at} must be 1-100 characters of letters, digits, '_', '.', ':' and '-'.`,
  invalidSku: (at: string) => `${at} must be 1-100 printable characters.`,
  unknownType: `type must be "receipt" or "inspection".`,
  invalidDate: (at: string) => `${at} must be an ISO 8601 date-time with an offset, e.g. 2026-11-05T14:30:00Z.`,
  invalidQuantity: (at: string, max: number) => `${at} must be a whole number from 1 to ${max}.`,
  unknownDisposition: (at: string, allowed: readonly string[]) => `${at} must be one of ${allowed.join(', ')}.`,
  noLines: 'A message needs at least one line.',
  noDispositions: 'An inspection line needs at least one disposition.',
  tooMany: (at: string, max: number) => `${at} holds more than ${max} entries.`,
  lineNotIdentified: 'A line needs a returnLineId or a sku.',
  inconsistentMessage: (column: string) => `This row's ${column} differs from the first row of the same message_id.`,
  receiptWithDisposition: 'A receipt row has no disposition; dispositions belong to inspection rows.',
  tooManyMessages: (max: number) => `The input holds more than ${max} messages.`,
  invalidMessage: (at: string) => `${at} is not valid.`,
} as const;

/** An error of a line (`lineNumber`) or of the whole message (null). */
export const lineError = (messageId: string | null, lineNumber: number | null, code: WarehouseErrorCode, message: string): WarehouseLineError => ({
  messageId,
  lineNumber,
  code,
  message,
});
