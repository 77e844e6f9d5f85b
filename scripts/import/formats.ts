import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * Reading an import file: CSV with a header row (columns by name, any order, cells trimmed; empty
 * cells are absent values) or JSON Lines (one object per line; blank lines skipped). Records are
 * numbered from 1 in file order, not counting a CSV header, so the report's `row` is the record a
 * person finds by counting data rows.
 */

/** The two formats. */
export type Format = 'csv' | 'jsonl';

/** One record of the file, or why it could not be read. */
export type FileRecord = { row: number; value: Record<string, unknown> } | { row: number; unreadable: string };

/** The format a file's name says, or null: `.csv`; `.jsonl` or `.ndjson`. */
export function formatOf(path: string): Format | null {
  const extension = extname(path).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.jsonl' || extension === '.ndjson') return 'jsonl';
  return null;
}

/** First 16 hex digits of the file's SHA-256: in every idempotency key, so a changed file is a new import. */
export const fileHash = (content: Buffer): string => createHash('sha256').update(content).digest('hex').slice(0, 16);

/** The records of `content`. A CSV that cannot be parsed at all (unbalanced quotes) throws, naming the line. */
export function readRecords(content: Buffer, format: Format): FileRecord[] {
  return format === 'csv' ? csvRecords(content) : jsonLines(content);
}

function csvRecords(content: Buffer): FileRecord[] {
  const rows = parse(content, { columns: true, bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }) as Record<string, string>[];
  return rows.map((raw, index) => {
    const value: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(raw)) if (cell !== '' && cell !== undefined) value[column] = cell;
    return { row: index + 1, value };
  });
}

function jsonLines(content: Buffer): FileRecord[] {
  const records: FileRecord[] = [];
  for (const line of content.toString('utf8').split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const row = records.length + 1;
    try {
      const value: unknown = JSON.parse(line);
      if (value === null || typeof value !== 'object' || Array.isArray(value)) records.push({ row, unreadable: 'not a JSON object' });
      else records.push({ row, value: value as Record<string, unknown> });
    } catch (error) {
      records.push({ row, unreadable: `not JSON: ${(error as Error).message}` });
    }
  }
  return records;
}
