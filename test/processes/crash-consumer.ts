import { PostgresDb } from '../../platform/db';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';
import { RedisBus } from '../../platform/events/redis-bus';
import { ConsumerRunner } from '../../platform/events/consumer';
import { on } from '../../platform/events/handlers';
import { applyCrashEvent, countingDeliveries, CRASH_CONSUMER, CRASH_SCHEMA, CrashTestThingHappened, requiredEnv } from './crash-kit';

/**
 * Child process of relay-crash.test.ts: the crash-test consumer on Redis in a process of its own,
 * handling slowly (a pause inside the transaction) so a SIGKILL lands mid-stream, with entries
 * read but not acknowledged and a handler transaction open. Every delivery is recorded in
 * `crash_deliveries` (outside the transaction, before the inbox) so the test sees redeliveries.
 * Runs until killed.
 *
 * Env: DATABASE_URL, REDIS_URL, BUS_PREFIX, HANDLE_PAUSE_MS, RECLAIM_IDLE_MS.
 */
async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const db = new PostgresDb({ connectionString: requiredEnv('DATABASE_URL'), maxConnections: 3, applicationName: 'crash-consumer' });
  const redis = new RedisBus({ url: requiredEnv('REDIS_URL'), prefix: requiredEnv('BUS_PREFIX'), reclaimIdleMs: Number(requiredEnv('RECLAIM_IDLE_MS')) });
  const bus = countingDeliveries(redis, async ({ envelope }) => {
    await db.query('INSERT INTO public.crash_deliveries (event_id, pid) VALUES ($1, $2)', [envelope.id, process.pid]);
  });
  const pauseMs = Number(process.env.HANDLE_PAUSE_MS ?? 0);
  const runner = new ConsumerRunner(db, bus, {
    name: CRASH_CONSUMER,
    schema: CRASH_SCHEMA,
    handlers: [
      on(CrashTestThingHappened, async (tx, data, event) => {
        await applyCrashEvent(tx, data, event);
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }),
    ],
  });
  await runner.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
