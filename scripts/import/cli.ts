/**
 * `npm run import -- <locations|products|stock|orders> FILE [--format csv|jsonl] [--dry-run]
 * [--resume] [--report FILE] [--limit N]`: loads master data, opening stock and historic orders
 * into the graph through the gateway (so every row goes through the same mutations, rules,
 * idempotency keys and audit as any client). Its entry point, app/import-cli.ts, takes
 * `GATEWAY_URL` and `TOKEN` from app/config.ts. File formats: README "Locations, catalog and
 * opening stock".
 *
 * Exit codes: 0 every row applied or unchanged; 1 a row failed (see the report), or the run
 * stopped early (interrupted, `--limit`, the gateway unreachable: `--resume` continues);
 * 2 usage, or a refused `--resume`.
 */
import { parseArgs } from 'node:util';
import { httpGraphClient, type GraphClient } from '../ingest/graph-client';
import { interruptFlag, processIo, type GatewaySettings, type Io } from '../ingest/cli-io';
import { progressOn, type Progress } from '../ingest/progress';
import { devOperationsToken } from '../ingest/token';
import { formatOf, type Format } from './formats';
import { KINDS, type Kind } from './rows';
import { ImportRefused, runImport, type ImportOptions, type ImportResult } from './run-import';

const USAGE = `usage: npm run import -- <${KINDS.join('|')}> FILE [--format csv|jsonl] [--dry-run] [--resume] [--report FILE] [--limit N]`;

const OPTIONS = {
  format: { type: 'string' },
  'dry-run': { type: 'boolean' },
  resume: { type: 'boolean' },
  report: { type: 'string' },
  limit: { type: 'string' },
} as const;

/** What the command may be handed instead of the real gateway and terminal (tests). */
export interface ImportCliDependencies {
  graph?: GraphClient;
  progress?: Progress;
  io?: Io;
}

/** The command line as import options, or a usage message. */
export function parseImportArgs(argv: string[]): ImportOptions | string {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    return (error as Error).message;
  }
  const [kind, file, ...extra] = parsed.positionals;
  if (!KINDS.includes(kind as Kind) || !file || extra.length > 0) return 'name a kind and one file';
  const format = (parsed.values.format ?? formatOf(file)) as Format | null;
  if (format !== 'csv' && format !== 'jsonl') return `cannot tell the format of ${file}: name it .csv, .jsonl or .ndjson, or pass --format csv|jsonl`;
  if (kind === 'orders' && format !== 'jsonl') return 'orders are imported from JSON Lines (one RecordOrderInput per line), not CSV';
  const limit = parsed.values.limit;
  if (limit !== undefined && !/^[1-9]\d*$/.test(limit)) return `--limit must be a positive whole number, got ${limit}`;
  return {
    kind: kind as Kind,
    file,
    format,
    dryRun: parsed.values['dry-run'] ?? false,
    resume: parsed.values.resume ?? false,
    reportPath: parsed.values.report,
    maxRows: limit === undefined ? undefined : Number(limit),
  };
}

/** Prints what a run did; answers its exit code. */
function summarise(options: ImportOptions, result: ImportResult, io: Io): number {
  io.out(`${options.dryRun ? 'dry run (nothing sent): ' : ''}${options.kind}: ${result.tally.summary()}`);
  if (result.tally.failed > 0) io.out(`failed rows: ${result.reportPath}`);
  if (result.remaining > 0) io.out(`${result.remaining} row(s) not done yet: run again with --resume (state: ${result.statePath})`);
  return result.tally.failed > 0 || result.remaining > 0 ? 1 : 0;
}

/** Runs the command; answers the exit code. */
export async function main(argv: string[], settings: GatewaySettings, dependencies: ImportCliDependencies = {}): Promise<number> {
  const io = dependencies.io ?? processIo;
  const options = parseImportArgs(argv);
  if (typeof options === 'string') {
    io.err(`import: ${options}\n${USAGE}`);
    return 2;
  }
  const graph = dependencies.graph ?? httpGraphClient(settings.gatewayUrl, settings.token ?? (await devOperationsToken('cli:import')));
  const signal = interruptFlag(io);
  try {
    const result = await runImport(graph, { ...options, interrupted: signal.interrupted }, dependencies.progress ?? progressOn(`import ${options.kind}`));
    return summarise(options, result, io);
  } catch (error) {
    io.err(`import: ${(error as Error).message}`);
    if (!(error instanceof ImportRefused) && !options.dryRun) io.err('rows done so far are saved: run again with --resume to continue');
    return error instanceof ImportRefused ? 2 : 1;
  } finally {
    signal.dispose();
  }
}
