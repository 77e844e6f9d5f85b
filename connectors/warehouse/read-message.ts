import type { z } from 'zod';
import { DISPOSITIONS } from '../../contracts/vocabulary';
import type { WarehouseLineError, WarehouseMessage } from './port';
import { lineError, WarehouseErrorCode, WarehouseMessages } from './errors';
import { MAX_DISPOSITIONS, MAX_LINES, MAX_QUANTITY, warehouseMessageSchema, type WarehouseMessageInput } from './message-schema';

/**
 * Where a field of the candidate came from in the sender's input: the 1-based line number
 * (the JSON array position, the CSV row, the X12 W07/W19 ordinal) of a path such as
 * `['lines', 2, 'dispositions', 0, 'quantity']`, or null for the message's own fields.
 */
export type Locate = (path: readonly PropertyKey[]) => number | null;

/** JSON: the line number is the position in `lines`, from 1. */
export const byArrayPosition: Locate = (path) => (path[0] === 'lines' && typeof path[1] === 'number' ? path[1] + 1 : null);

/** Errors reported per message at most: enough to fix a file, bounded for a hostile one. */
export const MAX_ERRORS_PER_MESSAGE = 100;

/** What reading one candidate gives: the message, or why not. */
export type ReadMessage = { ok: true; message: WarehouseMessage } | { ok: false; errors: WarehouseLineError[] };

const ID_FIELDS = new Set(['messageId', 'warehouseId', 'returnId', 'locationId', 'returnLineId']);

/** The error of a field whose value the schema refused, by the field's name (`id`: every id field). */
const FIELD_ERRORS: Readonly<Record<string, { code: WarehouseErrorCode; message: (at: string) => string }>> = {
  quantity: { code: WarehouseErrorCode.INVALID_QUANTITY, message: (at) => WarehouseMessages.invalidQuantity(at, MAX_QUANTITY) },
  disposition: { code: WarehouseErrorCode.UNKNOWN_DISPOSITION, message: (at) => WarehouseMessages.unknownDisposition(at, DISPOSITIONS) },
  occurredAt: { code: WarehouseErrorCode.INVALID_DATE, message: WarehouseMessages.invalidDate },
  type: { code: WarehouseErrorCode.UNKNOWN_TYPE, message: () => WarehouseMessages.unknownType },
  sku: { code: WarehouseErrorCode.INVALID_SKU, message: WarehouseMessages.invalidSku },
  id: { code: WarehouseErrorCode.INVALID_ID, message: WarehouseMessages.invalidId },
};

/**
 * Checks one candidate (the JSON shape of `message-schema.ts`) and turns it into the port's
 * `WarehouseMessage`. Never throws for bad input: each problem is a coded error naming its line.
 */
export function readMessage(candidate: unknown, locate: Locate = byArrayPosition): ReadMessage {
  const parsed = warehouseMessageSchema.safeParse(candidate);
  const messageId = readableMessageId(candidate);
  if (!parsed.success) {
    const errors = parsed.error.issues.slice(0, MAX_ERRORS_PER_MESSAGE).map((issue) => issueError(issue, candidate, messageId, locate));
    return { ok: false, errors };
  }
  return { ok: true, message: toMessage(parsed.data, locate) };
}

/** The message id of a candidate when it is a well-formed id, for error reports. */
export function readableMessageId(candidate: unknown): string | null {
  const value = candidate && typeof candidate === 'object' ? (candidate as { messageId?: unknown }).messageId : undefined;
  return typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(value) ? value : null;
}

function toMessage(input: WarehouseMessageInput, locate: Locate): WarehouseMessage {
  const header = {
    messageId: input.messageId,
    warehouseId: input.warehouseId,
    returnId: input.returnId,
    locationId: input.locationId,
    occurredAt: new Date(input.occurredAt),
  };
  const lineNumber = (index: number) => locate(['lines', index]) ?? index + 1;
  if (input.type === 'receipt') {
    return {
      ...header,
      kind: 'receipt',
      lines: input.lines.map((line, index) => ({
        lineNumber: lineNumber(index),
        returnLineId: line.returnLineId ?? null,
        sku: line.sku ?? null,
        quantity: line.quantity,
      })),
    };
  }
  return {
    ...header,
    kind: 'inspection',
    lines: input.lines.map((line, index) => ({
      lineNumber: lineNumber(index),
      returnLineId: line.returnLineId ?? null,
      sku: line.sku ?? null,
      dispositions: line.dispositions.map((d) => ({ disposition: d.disposition, quantity: d.quantity })),
    })),
  };
}

/** One zod issue as a coded error on the sender's line. */
function issueError(issue: z.core.$ZodIssue, candidate: unknown, messageId: string | null, locate: Locate): WarehouseLineError {
  const path = issue.path;
  const at = fieldText(path);
  const key = [...path].reverse().find((part): part is string => typeof part === 'string') ?? '';
  const error = (code: WarehouseErrorCode, message: string) => lineError(messageId, locate(path), code, message);
  if (issue.code === 'unrecognized_keys') return error(WarehouseErrorCode.UNKNOWN_FIELD, WarehouseMessages.unknownField(issue.keys));
  if (issue.code === 'custom' && issue.message === 'LINE_NOT_IDENTIFIED')
    return error(WarehouseErrorCode.LINE_NOT_IDENTIFIED, WarehouseMessages.lineNotIdentified);
  if (issue.code === 'invalid_type' && valueAt(candidate, path) === undefined)
    return error(WarehouseErrorCode.MISSING_FIELD, WarehouseMessages.missingField(at));
  if (key === 'lines' || key === 'dispositions') return collectionError(issue, key, at, error);
  const byField = FIELD_ERRORS[key] ?? (ID_FIELDS.has(key) ? FIELD_ERRORS.id : undefined);
  if (byField) return error(byField.code, byField.message(at));
  return error(WarehouseErrorCode.INVALID_MESSAGE, WarehouseMessages.invalidMessage(at || 'The message'));
}

function collectionError(
  issue: z.core.$ZodIssue,
  key: 'lines' | 'dispositions',
  at: string,
  error: (code: WarehouseErrorCode, message: string) => WarehouseLineError,
): WarehouseLineError {
  if (issue.code === 'too_big') return error(WarehouseErrorCode.TOO_MANY_LINES, WarehouseMessages.tooMany(at, key === 'lines' ? MAX_LINES : MAX_DISPOSITIONS));
  if (key === 'lines') return error(WarehouseErrorCode.NO_LINES, WarehouseMessages.noLines);
  return error(WarehouseErrorCode.NO_DISPOSITIONS, WarehouseMessages.noDispositions);
}

/** `lines[2].dispositions[0].quantity` → `dispositions[0].quantity` (the line is named by its number). */
function fieldText(path: readonly PropertyKey[]): string {
  const inLine = path[0] === 'lines' && typeof path[1] === 'number';
  const rest = inLine ? path.slice(2) : path;
  return rest.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

function valueAt(candidate: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = candidate;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}
