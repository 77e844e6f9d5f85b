/**
 * Child process of `pipeline-redis.test.ts`: a real `ConsumerRunner` on the Redis bus whose
 * handler writes one row per `TestThingHappened` into `<schema>.pipeline_probe_applied`, inside
 * the runner's transaction (so together with the inbox row). Prints `ready` once subscribed;
 * stops cleanly on SIGTERM.
 *
 * Env: DATABASE_URL, REDIS_URL, RG_BUS_PREFIX, RG_CONSUMER_NAME, RG_SCHEMA, RG_HANDLER_DELAY_MS
 * (optional: a slow handler keeps events in flight).
 */
import { PostgresDb } from '../../platform/db';
import { sleep } from '../../platform/events/testing/bus-kit';
import { ConsumerRunner } from '../../platform/events/consumer';
import { on } from '../../platform/events/handlers';
import { qualified } from '../../platform/events/outbox';
import { RedisBus } from '../../platform/events/redis-bus';
import { TestThingHappened } from './pipeline-events';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';

/** Pool size: the runner uses one connection at a time, plus the retry loop. */
const MAX_CONNECTIONS = 4;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for this test process`);
  return value;
}

async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const schema = required('RG_SCHEMA');
  const table = qualified(schema, 'pipeline_probe_applied');
  const delayMs = Number(process.env.RG_HANDLER_DELAY_MS ?? 0);
  const db = new PostgresDb({ connectionString: required('DATABASE_URL'), maxConnections: MAX_CONNECTIONS, applicationName: 'pipeline-consumer' });
  const bus = new RedisBus({ url: required('REDIS_URL'), prefix: required('RG_BUS_PREFIX') });
  const runner = new ConsumerRunner(db, bus, {
    name: required('RG_CONSUMER_NAME'),
    schema,
    handlers: [
      on(TestThingHappened, async (tx, { n }, event) => {
        if (delayMs > 0) await sleep(delayMs);
        await tx.query(`INSERT INTO ${table} (event_id, aggregate_id, n, applied_by) VALUES ($1, $2, $3, $4)`, [event.id, event.aggregateId, n, process.pid]);
      }),
    ],
  });
  await runner.start();
  process.once('SIGTERM', () => {
    void (async () => {
      await runner.stop();
      await bus.close();
      await db.close();
      process.exit(0);
    })();
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
