import { benchAvailability } from './availability';
import { benchEvents } from './events';
import { benchOrderLookup } from './order-lookup';
import { benchRefunds } from './refunds';
import { benchReturns } from './returns';
import { benchSubscriptions } from './subscriptions';

/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all when none are named) on this
 * machine's PostgreSQL and prints their figures. Benchmarks measure; tests never time anything.
 */
const BENCHMARKS: Record<string, () => Promise<void>> = {
  'order-lookup': benchOrderLookup,
  events: benchEvents,
  returns: benchReturns,
  availability: benchAvailability,
  refunds: benchRefunds,
  subscriptions: benchSubscriptions,
};

async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`Unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    process.stdout.write(`\n=== ${name}\n`);
    await (BENCHMARKS[name] as () => Promise<void>)();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
