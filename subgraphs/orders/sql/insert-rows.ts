import type { Queryable } from '../../../platform/db';

/**
 * Rows per INSERT statement. PostgreSQL allows 65,535 bind parameters per statement; 500 rows of
 * our widest table (21 columns) use about 10,500, and statements this size parse quickly on PGlite.
 */
export const ROWS_PER_INSERT = 500;

/**
 * Inserts `rows` into `table` with multi-row `INSERT ... VALUES` statements of at most
 * `ROWS_PER_INSERT` rows. `suffix` is appended to each statement (ON CONFLICT / RETURNING); when
 * it returns ids they are collected and returned. Table and column names are our own constants,
 * never input.
 */
export async function insertRows(
  db: Queryable,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  options: { suffix?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const chunk = rows.slice(start, start + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new TypeError(`insertRows(${table}) needs ${columns.length} values per row, but got ${row.length}`);
      const placeholders = row.map((value) => {
        params.push(value);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const { rows: returned } = await db.query<{ id?: string }>(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')} ${options.suffix ?? ''}`,
      params,
    );
    for (const row of returned) if (typeof row.id === 'string') ids.push(row.id);
  }
  return ids;
}
