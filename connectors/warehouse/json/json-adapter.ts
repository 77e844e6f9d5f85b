import type { WarehouseParseResult } from '../port';
import { lineError, WarehouseErrorCode, WarehouseMessages } from '../errors';
import { MAX_MESSAGES_PER_INPUT } from '../limits';
import { readMessage } from '../read-message';

/**
 * The JSON adapter: the documented message (`message-schema.ts`, `warehouse-message.schema.json`)
 * as a webhook body (one object), a `.json` file (one object or an array of them) or a `.jsonl`
 * file (one object per line). Line numbers are positions in each message's `lines`, from 1.
 */

/** A webhook body: exactly one message object. */
export function parseWarehouseWebhookJson(body: string): WarehouseParseResult {
  const value = parseJson(body);
  if (value === INVALID) return refused(WarehouseMessages.invalidJson);
  if (!isObject(value)) return refused(WarehouseMessages.jsonShape);
  return readAll([value]);
}

/** A `.json` file: one message object, or an array of them. */
export function parseWarehouseJsonFile(content: string): WarehouseParseResult {
  const value = parseJson(content);
  if (value === INVALID) return refused(WarehouseMessages.invalidJson);
  if (isObject(value)) return readAll([value]);
  if (Array.isArray(value)) return readAll(value);
  return refused(WarehouseMessages.jsonShape);
}

/** A `.jsonl` file: one message object per line; blank lines are skipped. */
export function parseWarehouseJsonLines(content: string): WarehouseParseResult {
  const candidates: unknown[] = [];
  const errors: WarehouseParseResult['errors'] = [];
  content.split(/\r?\n/).forEach((text, index) => {
    if (text.trim() === '') return;
    const value = parseJson(text);
    if (value === INVALID || !isObject(value)) {
      errors.push(lineError(null, null, WarehouseErrorCode.INVALID_JSON, `Line ${index + 1} of the file: ${WarehouseMessages.jsonShape}`));
    } else candidates.push(value);
  });
  const read = readAll(candidates);
  return { messages: read.messages, errors: [...errors, ...read.errors] };
}

function readAll(candidates: readonly unknown[]): WarehouseParseResult {
  if (candidates.length > MAX_MESSAGES_PER_INPUT) {
    return { messages: [], errors: [lineError(null, null, WarehouseErrorCode.TOO_MANY_MESSAGES, WarehouseMessages.tooManyMessages(MAX_MESSAGES_PER_INPUT))] };
  }
  const result: WarehouseParseResult = { messages: [], errors: [] };
  for (const candidate of candidates) {
    const read = readMessage(candidate);
    if (read.ok) result.messages.push(read.message);
    else result.errors.push(...read.errors);
  }
  return result;
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Malformed or absurdly nested input: either way the sender gets INVALID_JSON, never a stack.
    return INVALID;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

const refused = (message: string): WarehouseParseResult => ({ messages: [], errors: [lineError(null, null, WarehouseErrorCode.INVALID_JSON, message)] });
