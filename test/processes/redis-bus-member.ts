/**
 * Child process of `redis-bus.test.ts`: one member of a Redis consumer group that reads entries
 * and never finishes handling them, so the test can kill it "mid-handling" with entries read but
 * unacknowledged. Prints `ready` once subscribed and `got <event id>` when a handler starts.
 *
 * Env: REDIS_URL, RG_BUS_PREFIX, RG_BUS_GROUP.
 */
import { RedisBus } from '../../platform/events/redis-bus';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for this test process`);
  return value;
}

async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const bus = new RedisBus({ url: required('REDIS_URL'), prefix: required('RG_BUS_PREFIX') });
  await bus.subscribe(required('RG_BUS_GROUP'), (event) => {
    process.stdout.write(`got ${event.envelope.id}\n`);
    // Never resolves: the process is killed while "handling", as a crash would interrupt it.
    return new Promise<void>(() => undefined);
  });
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
