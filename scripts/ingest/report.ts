import { appendFileSync, writeFileSync } from 'node:fs';
import type { RowError } from './row-error';

/**
 * The per-row error report: one JSON object per line (`{"row":4,"field":"input.name","code":
 * "INVALID_VALUE","message":"…"}`), so a spreadsheet, `jq` or a second import can read it.
 * A fresh run starts it empty (an empty report means no row failed); a resumed run appends.
 */
export class Report {
  private failures = 0;

  constructor(
    readonly path: string,
    append: boolean,
  ) {
    if (!append) writeFileSync(path, '');
  }

  /** Appends a row's errors (one line each). */
  add(errors: readonly RowError[]): void {
    if (errors.length === 0) return;
    this.failures += 1;
    appendFileSync(this.path, errors.map((error) => `${JSON.stringify(error)}\n`).join(''));
  }

  /** Rows (or items) reported in this run. */
  get failedRows(): number {
    return this.failures;
  }
}
