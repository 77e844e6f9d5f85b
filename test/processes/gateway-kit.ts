import { spawnTestProcess, type TestChild } from './child-kit';
import { waitUntil } from '../support/subscription-client';
import type { JWK } from 'jose';

/** How long a gateway process may take to start (tsx compile, supergraph load). */
export const GATEWAY_START_MS = 30_000;

/** What a gateway process reports in its `stats` lines. */
export interface GatewayStats {
  subscribers: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

/** A gateway running in its own process (`test/processes/gateway.ts`). */
export interface GatewayProcess {
  child: TestChild;
  port: number;
  /** `ws://127.0.0.1:<port>/graphql`. */
  wsUrl: string;
  /** `http://127.0.0.1:<port>/graphql`. */
  httpUrl: string;
  /** Its latest stats line, or undefined before the first. */
  stats(): GatewayStats | undefined;
  /** Resolves once its latest stats line shows `count` subscribers. */
  waitForSubscribers(count: number, timeoutMs?: number): Promise<void>;
  /** SIGKILL to its process group. */
  kill(): Promise<void>;
}

/** Settings the gateway process shares with the graph it fronts. */
export interface GatewayProcessOptions {
  registryUrl: string;
  /** The registry token: the registry answers supergraph reads only with it. */
  registryToken: string;
  publicJwk: JWK;
  internalSecret: string;
  redisUrl: string;
  /** The Redis fan-out prefix the graph's relays publish under. */
  fanoutPrefix: string;
  /** Stats line interval, default the process's own (250 ms). */
  statsMs?: number;
  /** Subscriptions one principal may hold, default `MAX_SUBSCRIPTIONS_PER_PRINCIPAL` (the bench lifts it). */
  maxSubscriptionsPerPrincipal?: number;
}

/** Starts a gateway process and waits until it serves the supergraph. */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<GatewayProcess> {
  // child-kit resolves scripts from platform/events; this one lives under test/processes.
  const child = spawnTestProcess('test/processes/gateway.ts', {
    RG_REGISTRY_URL: options.registryUrl,
    RG_REGISTRY_TOKEN: options.registryToken,
    RG_PUBLIC_JWK: JSON.stringify(options.publicJwk),
    RG_INTERNAL_SECRET: options.internalSecret,
    REDIS_URL: options.redisUrl,
    RG_FANOUT_PREFIX: options.fanoutPrefix,
    ...(options.statsMs ? { RG_STATS_MS: String(options.statsMs) } : {}),
    ...(options.maxSubscriptionsPerPrincipal ? { RG_MAX_SUBSCRIPTIONS_PER_PRINCIPAL: String(options.maxSubscriptionsPerPrincipal) } : {}),
  });
  const ready = await child.waitForLine(/^ready \d+$/, GATEWAY_START_MS);
  const port = Number(ready.split(' ')[1]);
  const stats = (): GatewayStats | undefined => {
    for (let i = child.lines.length - 1; i >= 0; i--) {
      const line = child.lines[i] as string;
      if (line.startsWith('stats ')) return JSON.parse(line.slice('stats '.length)) as GatewayStats;
    }
    return undefined;
  };
  return {
    child,
    port,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    httpUrl: `http://127.0.0.1:${port}/graphql`,
    stats,
    waitForSubscribers: (count, timeoutMs) =>
      waitUntil(
        () => stats()?.subscribers === count,
        () => `the gateway process has ${stats()?.subscribers} subscribers, not ${count}`,
        timeoutMs,
      ),
    kill: () => child.kill(),
  };
}
