/**
 * A second gateway PROCESS for the subscription tests and bench: loads the supergraph from the test
 * graph's registry, verifies client tokens with the same public key, signs the principal for
 * subgraphs with the same internal secret, and receives update notices over Redis pub/sub.
 *
 * Prints `ready <port>` once it serves the supergraph, then `stats <json>` every
 * `RG_STATS_MS` (subscriber count and this process's memory), so a test can wait for its
 * subscriptions to be registered and the bench can read the gateway's memory alone.
 *
 * Env: RG_REGISTRY_URL, RG_REGISTRY_TOKEN, RG_PUBLIC_JWK (JSON), RG_INTERNAL_SECRET, REDIS_URL, RG_FANOUT_PREFIX,
 * optional RG_STATS_MS (default 250), RG_MAX_SUBSCRIPTIONS_PER_PRINCIPAL (default the gateway's),
 * RG_TEST_PARENT_PID (exit with the parent).
 */
import type { JWK } from 'jose';
import { ClientTokenVerifier, InternalTokens } from '../../platform/auth';
import { RedisFanout } from '../../platform/events/fanout';
import { exitWithParent } from './watch-parent';
import { logLevelFromTestEnv } from './child-logs';
import { startGateway } from '../../gateway';

/** Default stats interval: a test waiting for a subscription is told within a quarter second. */
const DEFAULT_STATS_MS = 250;
/** Registry poll interval: the supergraph does not change during a test or bench run. */
const POLL_MS = 5_000;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set for the gateway test process`);
  return value;
}

async function main(): Promise<void> {
  exitWithParent();
  logLevelFromTestEnv();
  const fanout = new RedisFanout({ url: required('REDIS_URL'), prefix: required('RG_FANOUT_PREFIX') });
  const gateway = await startGateway({
    registryUrl: required('RG_REGISTRY_URL'),
    registryToken: required('RG_REGISTRY_TOKEN'),
    port: 0,
    verifier: await ClientTokenVerifier.fromPublicJwk(JSON.parse(required('RG_PUBLIC_JWK')) as JWK),
    internalTokens: new InternalTokens(required('RG_INTERNAL_SECRET')),
    pollIntervalMs: POLL_MS,
    fanout,
    subscriptionCaps: { perPrincipal: process.env.RG_MAX_SUBSCRIPTIONS_PER_PRINCIPAL ? Number(process.env.RG_MAX_SUBSCRIPTIONS_PER_PRINCIPAL) : undefined },
  });
  await gateway.ready;
  process.stdout.write(`ready ${gateway.port}\n`);
  const statsMs = Number(process.env.RG_STATS_MS ?? DEFAULT_STATS_MS);
  setInterval(() => {
    const memory = process.memoryUsage();
    process.stdout.write(
      `stats ${JSON.stringify({ subscribers: gateway.subscriberCount(), rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external })}\n`,
    );
  }, statsMs);
  const stop = async () => {
    await gateway.close();
    await fanout.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
