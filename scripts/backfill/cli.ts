/**
 * `npm run backfill -- [--what orders,locations,products] [--since ISO] [--resume] [--state FILE]
 * [--report FILE]`: reads the configured commerce platform's locations, products and orders
 * (`CommerceFeed`) into the graph through the gateway. app/backfill-cli.ts chooses the feed and
 * takes `GATEWAY_URL` and `TOKEN` from app/config.ts.
 *
 * Exit codes: 0 everything read and applied; 1 an item failed (see the report) or the run stopped
 * early (`--resume` continues); 2 usage.
 */
import { parseArgs } from 'node:util';
import type { CommerceFeed } from '../../connectors/commerce/port';
import { httpGraphClient, type GraphClient } from '../ingest/graph-client';
import { interruptFlag, processIo, type GatewaySettings, type Io } from '../ingest/cli-io';
import { progressOn, type Progress } from '../ingest/progress';
import { Report } from '../ingest/report';
import { devOperationsToken } from '../ingest/token';
import { backfill, BACKFILL_KINDS, type BackfillKind } from './backfill';

const USAGE = `usage: npm run backfill -- [--what ${BACKFILL_KINDS.join(',')}] [--since ISO-8601] [--resume] [--state FILE] [--report FILE] [--page-size N]`;

const OPTIONS = {
  what: { type: 'string' },
  since: { type: 'string' },
  resume: { type: 'boolean' },
  state: { type: 'string' },
  report: { type: 'string' },
  'page-size': { type: 'string' },
} as const;

/** Largest page asked of a platform: Shopify's GraphQL Admin API serves at most 250 per page. */
const MAX_PAGE_SIZE = 250;

/** The command line, understood. */
export interface BackfillArgs {
  what: BackfillKind[];
  since?: Date;
  resume: boolean;
  statePath: string;
  reportPath: string;
  pageSize?: number;
}

function kindsOf(value: string | undefined): BackfillKind[] | string {
  const what = (value ?? BACKFILL_KINDS.join(',')).split(',').map((kind) => kind.trim());
  const unknown = what.filter((kind) => !BACKFILL_KINDS.includes(kind as BackfillKind));
  return unknown.length > 0 ? `--what takes ${BACKFILL_KINDS.join(', ')}; got ${unknown.join(', ')}` : (what as BackfillKind[]);
}

function sinceOf(value: string | undefined): Date | undefined | string {
  if (value === undefined) return undefined;
  const since = new Date(value);
  return Number.isNaN(since.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value) ? `--since must be an ISO-8601 date or instant, got ${value}` : since;
}

function pageSizeOf(value: string | undefined): number | undefined | string {
  if (value === undefined) return undefined;
  return /^[1-9]\d*$/.test(value) && Number(value) <= MAX_PAGE_SIZE ? Number(value) : `--page-size must be 1-${MAX_PAGE_SIZE}, got ${value}`;
}

/** The command line as backfill arguments, or a usage message. State and report default to `backfill-<source>.state.json` / `.report.jsonl` in the working directory. */
export function parseBackfillArgs(argv: string[], source: string): BackfillArgs | string {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS });
  } catch (error) {
    return (error as Error).message;
  }
  const what = kindsOf(parsed.values.what);
  if (typeof what === 'string') return what;
  const since = sinceOf(parsed.values.since);
  if (typeof since === 'string') return since;
  const pageSize = pageSizeOf(parsed.values['page-size']);
  if (typeof pageSize === 'string') return pageSize;
  return {
    what,
    pageSize,
    since,
    resume: parsed.values.resume ?? false,
    statePath: parsed.values.state ?? `backfill-${source}.state.json`,
    reportPath: parsed.values.report ?? `backfill-${source}.report.jsonl`,
  };
}

/** What the command may be handed instead of the real gateway and terminal (tests). */
export interface BackfillCliDependencies {
  graph?: GraphClient;
  progress?: Progress;
  io?: Io;
}

/** Runs the command over `feed`; answers the exit code. */
export async function main(argv: string[], feed: CommerceFeed, settings: GatewaySettings, dependencies: BackfillCliDependencies = {}): Promise<number> {
  const io = dependencies.io ?? processIo;
  const args = parseBackfillArgs(argv, feed.source);
  if (typeof args === 'string') {
    io.err(`backfill: ${args}\n${USAGE}`);
    return 2;
  }
  const graph = dependencies.graph ?? httpGraphClient(settings.gatewayUrl, settings.token ?? (await devOperationsToken('cli:backfill')));
  const report = new Report(args.reportPath, args.resume);
  const signal = interruptFlag(io);
  try {
    const result = await backfill(feed, graph, {
      ...args,
      report,
      progress: dependencies.progress ?? progressOn(`backfill ${feed.source}`),
      interrupted: signal.interrupted,
    });
    for (const kind of args.what) io.out(`${kind}: ${result.tallies[kind].summary()}`);
    if (report.failedRows > 0) io.out(`failed items: ${args.reportPath}`);
    if (!result.complete) io.out(`not finished: run again with --resume (state: ${args.statePath})`);
    return report.failedRows > 0 || !result.complete ? 1 : 0;
  } catch (error) {
    io.err(`backfill: ${(error as Error).message}`);
    io.err(`pages done so far are saved in ${args.statePath}: run again with --resume to continue`);
    return 1;
  } finally {
    signal.dispose();
  }
}
