import { benchAdmission } from './admission';
import { benchAvailability } from './availability';
import { benchCommerce } from './commerce';
import { benchEmbedded } from './embedded';
import { benchErp } from './erp';
import { benchEvents } from './events';
import { benchOrderLookup } from './order-lookup';
import { benchPeers } from './peers';
import { benchRefunds } from './refunds';
import { benchReturns } from './returns';
import { benchSubscriptions } from './subscriptions';
import { parseBenchArgs, type BenchSettings } from './settings';

/**
 * `npm run bench [-- name ...] [--option value ...]`: runs the named benchmarks (all when none are
 * named) on this machine's PostgreSQL (or `DATABASE_URL`'s) and prints their figures; the options
 * size them (`bench/settings.ts`). Benchmarks measure; tests never time anything.
 */
const BENCHMARKS: Record<string, (settings: BenchSettings) => Promise<void>> = {
  'order-lookup': benchOrderLookup,
  events: benchEvents,
  returns: benchReturns,
  availability: benchAvailability,
  refunds: benchRefunds,
  subscriptions: benchSubscriptions,
  commerce: benchCommerce,
  erp: benchErp,
  admission: benchAdmission,
  peers: benchPeers,
  embedded: benchEmbedded,
};

async function main(): Promise<void> {
  const { names, settings } = parseBenchArgs(process.argv.slice(2));
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    process.stdout.write(`\n=== ${name}\n`);
    await (BENCHMARKS[name] as (settings: BenchSettings) => Promise<void>)(settings);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
