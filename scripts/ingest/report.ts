import { appendFileSync, rmSync } from 'node:fs';
import type { RowError } from './row-error';

/**
 * The per-row error report: one JSON object per line (`{"row":4,"field":"input.name","code":
 * "INVALID_VALUE","message":"…"}`), so a spreadsheet, `jq` or a second import can read it.
 * A fresh run removes the previous one and writes it only when a row fails (no report: nothing
 * failed); a resumed run appends to it.
 */
export class Report {
  private failures = 0;

  constructor(
    readonly path: string,
    append: boolean,
  ) {
    if (!append) rmSync(path, { force: true });
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
