import { parse } from 'csv-parse/sync';
import type { WarehouseLineError, WarehouseParseResult } from '../port';
import { lineError, WarehouseErrorCode, WarehouseMessages } from '../errors';
import { MAX_MESSAGES_PER_INPUT } from '../limits';
import { readMessage, readableMessageId } from '../read-message';
import { groupRows, type CsvRow } from './csv-messages';

/**
 * The CSV adapter: one row per received line, or per disposition quantity of an inspected line,
 * under a header row naming `CSV_COLUMNS` (any order). Rows are grouped into messages by
 * `message_id`, in the order they first appear; an inspection's rows with the same return line
 * (or SKU) form one line. Every error names the file line of its row (the header is line 1).
 */

/** The columns, as the header row names them. */
export const CSV_COLUMNS = [
  'message_id',
  'warehouse_id',
  'type',
  'return_id',
  'location_id',
  'occurred_at',
  'return_line_id',
  'sku',
  'quantity',
  'disposition',
] as const;

/** Reads a CSV file into messages and the errors of the rows it could not use. */
export function parseWarehouseCsv(content: string): WarehouseParseResult {
  let rows: CsvRow[];
  try {
    rows = readRows(content);
  } catch (error) {
    const at = (error as { lines?: unknown }).lines;
    const reason = error instanceof HeaderError ? error.message : 'malformed row (quotes or column count)';
    return {
      messages: [],
      errors: [lineError(null, typeof at === 'number' ? at : null, WarehouseErrorCode.INVALID_CSV, WarehouseMessages.invalidCsv(reason))],
    };
  }
  const groups = groupRows(rows);
  if (groups.length > MAX_MESSAGES_PER_INPUT) {
    return { messages: [], errors: [lineError(null, null, WarehouseErrorCode.TOO_MANY_MESSAGES, WarehouseMessages.tooManyMessages(MAX_MESSAGES_PER_INPUT))] };
  }
  const result: WarehouseParseResult = { messages: [], errors: [] };
  for (const group of groups) {
    const read = readMessage(group.candidate, group.locate);
    const errors: WarehouseLineError[] = [
      ...group.errors.map((e) => ({ ...e, messageId: readableMessageId(group.candidate) })),
      ...(read.ok ? [] : read.errors),
    ];
    if (errors.length > 0) result.errors.push(...errors);
    else if (read.ok) result.messages.push(read.message);
  }
  return result;
}

class HeaderError extends Error {}

function readRows(content: string): CsvRow[] {
  const records = parse(content, {
    bom: true,
    columns: (header: string[]) => checkHeader(header),
    info: true,
    skip_empty_lines: true,
    trim: true,
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return records.map(({ record, info }) => ({ line: info.lines, values: record }));
}

function checkHeader(header: string[]): string[] {
  const names = header.map((name) => name.trim().toLowerCase());
  const missing = CSV_COLUMNS.filter((column) => !names.includes(column));
  const unknown = names.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (missing.length > 0 || unknown.length > 0 || new Set(names).size !== names.length) {
    throw Object.assign(new HeaderError(`the header row must name exactly the columns ${CSV_COLUMNS.join(',')}`), { lines: 1 });
  }
  return names;
}
