import type { WarehouseLineError } from '../port';
import { lineError, WarehouseErrorCode, WarehouseMessages } from '../errors';
import type { Locate } from '../read-message';

/** One CSV row: its file line and its values by column. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
}

/** The rows of one message_id as a message candidate, where each of its fields came from, and the row errors found grouping it. */
export interface CsvMessageGroup {
  candidate: Record<string, unknown>;
  locate: Locate;
  errors: WarehouseLineError[];
}

/** The message's own columns: every row of one message_id must agree on them. */
const HEADER_COLUMNS = ['warehouse_id', 'type', 'return_id', 'location_id', 'occurred_at'] as const;

interface Building {
  first: CsvRow;
  lines: Record<string, unknown>[];
  /** File line of each message line, and of each disposition of an inspection line. */
  lineRows: number[];
  dispositionRows: number[][];
  /** Inspection lines by return line and SKU, to gather their disposition rows. */
  byLine: Map<string, number>;
  errors: WarehouseLineError[];
}

/** Groups rows into message candidates by `message_id`, in order of first appearance. */
export function groupRows(rows: readonly CsvRow[]): CsvMessageGroup[] {
  const building = new Map<string, Building>();
  for (const row of rows) {
    const key = row.values.message_id ?? '';
    let group = building.get(key);
    if (!group) {
      group = { first: row, lines: [], lineRows: [], dispositionRows: [], byLine: new Map(), errors: [] };
      building.set(key, group);
    }
    addRow(group, row);
  }
  return [...building.values()].map(toGroup);
}

function addRow(group: Building, row: CsvRow): void {
  const differing = HEADER_COLUMNS.find((column) => row.values[column] !== group.first.values[column]);
  if (differing) group.errors.push(lineError(null, row.line, WarehouseErrorCode.INCONSISTENT_MESSAGE, WarehouseMessages.inconsistentMessage(differing)));
  const identity = { returnLineId: optional(row.values.return_line_id), sku: optional(row.values.sku) };
  if (group.first.values.type !== 'inspection') {
    if (optional(row.values.disposition) !== undefined) {
      group.errors.push(lineError(null, row.line, WarehouseErrorCode.INCONSISTENT_MESSAGE, WarehouseMessages.receiptWithDisposition));
    }
    group.lines.push({ ...identity, quantity: number(row.values.quantity) });
    group.lineRows.push(row.line);
    return;
  }
  const key = `${identity.returnLineId ?? ''}\u0000${identity.sku ?? ''}`;
  let index = group.byLine.get(key);
  if (index === undefined) {
    index = group.lines.length;
    group.byLine.set(key, index);
    group.lines.push({ ...identity, dispositions: [] });
    group.lineRows.push(row.line);
    group.dispositionRows.push([]);
  }
  (group.lines[index]?.dispositions as unknown[]).push({ disposition: optional(row.values.disposition), quantity: number(row.values.quantity) });
  group.dispositionRows[index]?.push(row.line);
}

function toGroup(group: Building): CsvMessageGroup {
  const values = group.first.values;
  const candidate = {
    messageId: optional(values.message_id),
    warehouseId: optional(values.warehouse_id),
    type: optional(values.type),
    returnId: optional(values.return_id),
    locationId: optional(values.location_id),
    occurredAt: optional(values.occurred_at),
    lines: group.lines,
  };
  const locate: Locate = (path) => {
    if (path[0] !== 'lines' || typeof path[1] !== 'number') return group.first.line;
    const disposition = path[2] === 'dispositions' && typeof path[3] === 'number' ? group.dispositionRows[path[1]]?.[path[3]] : undefined;
    return disposition ?? group.lineRows[path[1]] ?? group.first.line;
  };
  return { candidate, locate, errors: group.errors };
}

/** An empty cell is an absent value. */
const optional = (value: string | undefined): string | undefined => (value === undefined || value === '' ? undefined : value);

/** A quantity cell: digits (with an optional sign) become a number; anything else stays text, which the schema refuses. */
const number = (value: string | undefined): unknown => (value !== undefined && /^[+-]?\d{1,15}$/.test(value) ? Number(value) : optional(value));
