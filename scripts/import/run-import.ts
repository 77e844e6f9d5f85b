import { readFileSync } from 'node:fs';
import type { GraphClient } from '../ingest/graph-client';
import { send, Tally, type MutationField, type Outcome } from '../ingest/mutations';
import { runPool } from '../ingest/pool';
import type { Progress } from '../ingest/progress';
import { Report } from '../ingest/report';
import type { RowError } from '../ingest/row-error';
import { readState, writeState } from '../ingest/state-file';
import { fileHash, readRecords, type FileRecord, type Format } from './formats';
import { groupOf, ROW_SCHEMAS, type Kind, type StockRow } from './rows';
import { setStock } from './stock';

/** Rows in flight at once: enough to hide the round trip, few enough not to crowd a gateway another team shares. */
export const IMPORT_CONCURRENCY = 8;
/** How often the state file is rewritten while rows complete: a crash re-sends at most this much, and keys make that harmless. */
const STATE_SAVE_INTERVAL_MS = 250;

/** The mutation each kind sends (stock goes through `setStock`). */
const FIELD: Record<Exclude<Kind, 'stock'>, MutationField> = { locations: 'upsertLocation', products: 'upsertProduct', orders: 'recordOrder' };

/** What one import run is asked to do. */
export interface ImportOptions {
  kind: Kind;
  file: string;
  format: Format;
  dryRun: boolean;
  resume: boolean;
  /** Where the per-row error report goes; default `<file>.import-report.jsonl`. */
  reportPath?: string;
  /** Process at most this many rows in this run (then `--resume` continues): for imports in slices, and tests of resumption. */
  maxRows?: number;
  /** Asked before each row is started: true stops the run (Ctrl-C), keeping its state. */
  interrupted?: () => boolean;
}

/** The resumption point of an import: `<file>.import-state.json`. */
export interface ImportState {
  kind: Kind;
  fileHash: string;
  /** Every row up to this one is done (applied, unchanged or reported). */
  lastRow: number;
}

/** What a run did. */
export interface ImportResult {
  tally: Tally;
  /** Rows this run did not reach (interrupted, a row limit, a transport failure): `--resume` continues with them. */
  remaining: number;
  reportPath: string;
  statePath: string;
}

/** A refusal to start (a changed file under `--resume`): the CLI's exit code 2. */
export class ImportRefused extends Error {}

/** A validated record: the mutation input, or the errors that stop it. */
type Checked = { row: number; input: Record<string, unknown> } | { row: number; errors: RowError[] };

function check(kind: Kind, record: FileRecord): Checked {
  if ('unreadable' in record) return { row: record.row, errors: [{ row: record.row, field: null, code: 'UNREADABLE_ROW', message: record.unreadable }] };
  const parsed = ROW_SCHEMAS[kind].safeParse(record.value);
  if (parsed.success) return { row: record.row, input: parsed.data as Record<string, unknown> };
  const errors = parsed.error.issues.map((issue) => ({ row: record.row, field: issue.path.join('.') || null, code: 'INVALID_VALUE', message: issue.message }));
  return { row: record.row, errors };
}

/** Tracks completed rows and the highest row below which all are done. */
class Watermark {
  private readonly done = new Set<number>();
  constructor(public last: number) {}
  complete(row: number): void {
    this.done.add(row);
    while (this.done.delete(this.last + 1)) this.last += 1;
  }
}

/** Where the row starts from: 0, or the state's last row under `--resume` (refused when the file changed). */
function startRow(options: ImportOptions, statePath: string, hash: string): number {
  if (!options.resume) return 0;
  const state = readState<ImportState>(statePath);
  if (!state) return 0;
  if (state.fileHash !== hash || state.kind !== options.kind) {
    throw new ImportRefused(
      `${options.file} changed since ${statePath} was written (or it was a ${state.kind} import): refusing to resume; run without --resume`,
    );
  }
  return state.lastRow;
}

/**
 * Imports one file: validates every row, then (unless a dry run) sends each valid one, at most
 * `IMPORT_CONCURRENCY` at once and the rows of one group in order, with the idempotency key
 * `import:<kind>:<file hash>:<row>`; reports every failed row; saves the resumption point.
 */
export async function runImport(graph: GraphClient, options: ImportOptions, progress: Progress): Promise<ImportResult> {
  const content = readFileSync(options.file);
  const hash = fileHash(content);
  const statePath = `${options.file}.import-state.json`;
  const reportPath = options.reportPath ?? `${options.file}.import-report.jsonl`;
  const from = startRow(options, statePath, hash);
  const checked = readRecords(content, options.format)
    .filter((record) => record.row > from)
    .map((record) => check(options.kind, record));
  const report = new Report(reportPath, options.resume && from > 0);
  const tally = new Tally();
  tally.read = checked.length;
  if (options.dryRun) return dryRun(checked, tally, report, { remaining: 0, reportPath, statePath });
  const todo = options.maxRows === undefined ? checked : checked.slice(0, options.maxRows);
  const watermark = new Watermark(from);
  const save = saver(statePath, { kind: options.kind, fileHash: hash }, watermark);
  progress.start(checked.length);
  try {
    await runPool(
      todo,
      {
        concurrency: IMPORT_CONCURRENCY,
        groupOf: (item) => ('input' in item ? groupOf(options.kind, item.input) : `row:${item.row}`),
        shouldStop: options.interrupted ?? (() => false),
      },
      async (item) => {
        const outcome = 'input' in item ? await apply(graph, options.kind, hash, item.row, item.input) : ({ status: 'failed', errors: item.errors } as const);
        tally.add(outcome);
        if (outcome.status === 'failed') report.add(outcome.errors);
        watermark.complete(item.row);
        progress.increment();
        save(false);
      },
    );
  } finally {
    save(true);
    progress.stop();
  }
  return { tally, remaining: checked.length - (watermark.last - from), reportPath, statePath };
}

/** Sends one valid row. */
function apply(graph: GraphClient, kind: Kind, hash: string, row: number, input: Record<string, unknown>): Promise<Outcome> {
  const key = `import:${kind}:${hash}:${row}`;
  if (kind === 'stock') return setStock(graph, input as StockRow, key, row);
  return send(graph, FIELD[kind], input, key, row);
}

/** A dry run: every row validated, invalid ones reported, nothing sent and no state written. */
function dryRun(checked: Checked[], tally: Tally, report: Report, rest: Omit<ImportResult, 'tally'>): ImportResult {
  for (const item of checked) {
    if ('errors' in item) {
      report.add(item.errors);
      tally.failed += 1;
    }
  }
  return { tally, ...rest };
}

/** Saves the watermark at most every `STATE_SAVE_INTERVAL_MS`, and always when `force`d (the end of a run). */
function saver(path: string, base: Omit<ImportState, 'lastRow'>, watermark: Watermark): (force: boolean) => void {
  let savedAt = 0;
  let saved = -1;
  return (force) => {
    if (watermark.last === saved || (!force && Date.now() - savedAt < STATE_SAVE_INTERVAL_MS)) return;
    writeState(path, { ...base, lastRow: watermark.last } satisfies ImportState);
    saved = watermark.last;
    savedAt = Date.now();
  };
}
