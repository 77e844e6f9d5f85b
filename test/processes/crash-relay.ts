import { PostgresDb } from '../../platform/db';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';
import { RedisBus } from '../../platform/events/redis-bus';
import { OutboxRelay } from '../../platform/events/relay';
import { CRASH_SCHEMA, requiredEnv, slowPublishing } from './crash-kit';

/**
 * Child process of relay-crash.test.ts: an outbox relay of the crash schema on Redis that publishes
 * slowly and reports its progress on stdout (`published <batch> <sentInBatch>`), so the test can
 * SIGKILL it in the middle of a batch. Runs until killed.
 *
 * Env: DATABASE_URL, REDIS_URL, BUS_PREFIX, BATCH_SIZE, PUBLISH_PAUSE_MS, CLAIM_MS (how long a claimed
 * batch stays the relay's: the killed relay's claim must expire before the next takes the batch over).
 */
async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const db = new PostgresDb({ connectionString: requiredEnv('DATABASE_URL'), maxConnections: 2, applicationName: 'crash-relay' });
  const redis = new RedisBus({ url: requiredEnv('REDIS_URL'), prefix: requiredEnv('BUS_PREFIX') });
  const pauseMs = Number(process.env.PUBLISH_PAUSE_MS ?? 0);
  const bus = pauseMs > 0 ? slowPublishing(redis, pauseMs, (batch, sent) => process.stdout.write(`published ${batch} ${sent}\n`)) : redis;
  const relay = new OutboxRelay({ db, schema: CRASH_SCHEMA, bus, batchSize: Number(requiredEnv('BATCH_SIZE')), claimMs: Number(requiredEnv('CLAIM_MS')) });
  relay.start();
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
