import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../app/config';
import { setLogLevel } from '../platform/logger';

/** The PostgreSQL server benchmarks run on when `DATABASE_URL` names none: this machine's, as in the tests. */
const LOCAL_POSTGRES_URL = 'postgres://root@127.0.0.1:5432/postgres';
/** The Redis benchmarks run on when `REDIS_URL` names none: this machine's, as in the tests. */
const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Returns the refunds bench receives at once, each on its own order, as at many tills. */
const DEFAULT_REFUNDS = 200;
/**
 * The simulated provider's settlement delay in the refunds bench: short, so the figure is our
 * pipeline's and not a made-up network's. A refund still PENDING at the provider is asked again
 * after the executor's settlement poll (1 s), which then dominates trigger→SUCCEEDED; 0 measures
 * the executor alone.
 */
const DEFAULT_SETTLEMENT_DELAY_MS = 50;
/** Subscribers of the subscriptions bench, each its own principal on its own WebSocket connection (the target's size). */
const DEFAULT_SUBSCRIBERS = 10_000;
/** Return status events per second the subscriptions bench produces, and for how long (the target's rate). */
const DEFAULT_EVENTS_PER_SECOND = 20;
const DEFAULT_EVENT_SECONDS = 20;
/** Orders in the fake Shopify the commerce bench backfills: enough for a steady rate, few enough for two cores in a minute. */
const DEFAULT_COMMERCE_ORDERS = 300;
/** Webhook deliveries the commerce bench posts (about a tenth of them repeats): a storm of a busy shop's hour in seconds. */
const DEFAULT_COMMERCE_DELIVERIES = 2_000;
/** Seconds per measured run of the peers bench: long enough for stable medians, short enough for a dozen runs in minutes. */
const DEFAULT_PEERS_DURATION_S = 10;
/**
 * The longest run the peers bench allows: the load client signs Hive's internal principal once per
 * run, and it lives `INTERNAL_TOKEN_TTL_S` (60 s); an expired one would measure refusals.
 */
export const MAX_PEERS_DURATION_S = 50;
/** Seconds of reads the embedded bench runs after start, watching the process's memory. */
const DEFAULT_EMBEDDED_READ_S = 60;
/** Starts of the embedded bench per kind (cold, warm); the median is reported. */
const DEFAULT_EMBEDDED_STARTS = 3;

/**
 * Where benchmarks run and how large they are: the servers from the validated configuration
 * (app/config.ts: `DATABASE_URL`, `REDIS_URL`), the sizes from the command line.
 */
export interface BenchSettings {
  /** The PostgreSQL server a fresh database is created on per run (`DATABASE_URL`; default this machine's). */
  adminUrl: string;
  /** `REDIS_URL`; default this machine's. */
  redisUrl: string;
  /** `--refunds <n>`: returns the refunds bench receives at once (default 200). */
  refunds: number;
  /** `--settlement-delay-ms <ms>`: the simulated provider's settlement delay in the refunds bench (default 50). */
  settlementDelayMs: number;
  /** `--subscribers <n>`: subscribers of the subscriptions bench, each with its own principal and connection (default 10,000). */
  subscribers: number;
  /** `--events-per-second <n>`: the subscriptions bench's event rate (default 20). */
  eventsPerSecond: number;
  /** `--event-seconds <n>`: how long the subscriptions bench produces events (default 20). */
  eventSeconds: number;
  /** `--orders <n>`: orders in the fake Shopify the commerce bench backfills (default 300). */
  orders: number;
  /** `--deliveries <n>`: signed webhook deliveries the commerce bench posts, about 10% repeats (default 2,000). */
  deliveries: number;
  /** `--duration <s>`: seconds per measured run of the peers bench, 1 to 50 (default 10). */
  durationSeconds: number;
  /** `--compiled`: the peers bench runs our gateway from `dist/` (after `npm run build`) instead of the sources under tsx. */
  compiled: boolean;
  /** `XDG_CACHE_HOME`, default `~/.cache`: where the peers bench installs Hive Gateway. */
  cacheHome: string;
  /** `--read-seconds <s>`: seconds of reads the embedded bench runs while sampling memory (default 60). */
  embeddedReadSeconds: number;
  /** `--starts <n>`: cold and warm starts each of the embedded bench, median reported (default 3). */
  starts: number;
  /** `--cpu-profile <path>`: a CPU profile of the returns bench's authorizeReturn run, or of the order-lookup bench's run through the gateway, written there (default none). */
  cpuProfile?: string;
}

const BENCH_USAGE = `usage: npm run bench -- [name ...] [--refunds <n>] [--settlement-delay-ms <ms>] [--subscribers <n>] [--events-per-second <n>] [--event-seconds <n>] [--orders <n>] [--deliveries <n>] [--duration <s>] [--compiled] [--read-seconds <s>] [--starts <n>] [--cpu-profile <path>]`;

/** A whole number from the command line; anything else stops the bench naming the option. */
function count(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${option} must be a whole number in digits, but got: ${JSON.stringify(value)}\n${BENCH_USAGE}`);
  return Number(value);
}

/** `--duration`: whole seconds from 1 to `MAX_PEERS_DURATION_S`. */
function peersDuration(value: string | undefined): number {
  const seconds = count('duration', value, DEFAULT_PEERS_DURATION_S);
  if (seconds < 1 || seconds > MAX_PEERS_DURATION_S) {
    throw new Error(
      `--duration must be 1 to ${MAX_PEERS_DURATION_S} seconds (Hive's pre-signed internal principal lives 60 s), but got: ${seconds}\n${BENCH_USAGE}`,
    );
  }
  return seconds;
}

/** The benchmarks named on the command line (all when none) and their settings. */
export function parseBenchArgs(argv: string[]): { names: string[]; settings: BenchSettings } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      refunds: { type: 'string' },
      'settlement-delay-ms': { type: 'string' },
      subscribers: { type: 'string' },
      'events-per-second': { type: 'string' },
      'event-seconds': { type: 'string' },
      orders: { type: 'string' },
      deliveries: { type: 'string' },
      duration: { type: 'string' },
      compiled: { type: 'boolean' },
      'read-seconds': { type: 'string' },
      starts: { type: 'string' },
      'cpu-profile': { type: 'string' },
    },
  });
  const config = loadConfig();
  // The entry point applies `LOG_LEVEL` as app/ does, so `LOG_LEVEL=warn` keeps per-request lines out of the figures.
  setLogLevel(config.LOG_LEVEL);
  return {
    names: positionals,
    settings: {
      adminUrl: config.DATABASE_URL ?? LOCAL_POSTGRES_URL,
      redisUrl: config.REDIS_URL ?? LOCAL_REDIS_URL,
      refunds: count('refunds', values.refunds, DEFAULT_REFUNDS),
      settlementDelayMs: count('settlement-delay-ms', values['settlement-delay-ms'], DEFAULT_SETTLEMENT_DELAY_MS),
      subscribers: count('subscribers', values.subscribers, DEFAULT_SUBSCRIBERS),
      eventsPerSecond: count('events-per-second', values['events-per-second'], DEFAULT_EVENTS_PER_SECOND),
      eventSeconds: count('event-seconds', values['event-seconds'], DEFAULT_EVENT_SECONDS),
      orders: count('orders', values.orders, DEFAULT_COMMERCE_ORDERS),
      deliveries: count('deliveries', values.deliveries, DEFAULT_COMMERCE_DELIVERIES),
      durationSeconds: peersDuration(values.duration),
      compiled: values.compiled ?? false,
      cacheHome: config.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
      embeddedReadSeconds: count('read-seconds', values['read-seconds'], DEFAULT_EMBEDDED_READ_S),
      starts: Math.max(1, count('starts', values.starts, DEFAULT_EMBEDDED_STARTS)),
      ...(values['cpu-profile'] ? { cpuProfile: values['cpu-profile'] } : {}),
    },
  };
}
