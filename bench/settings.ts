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
/** WebSocket connections of the subscriptions bench, and subscriptions multiplexed on each: 10,000 in all. */
const DEFAULT_CONNECTIONS = 1_000;
const DEFAULT_SUBSCRIPTIONS_PER_CONNECTION = 10;
/** Orders in the fake Shopify the commerce bench backfills: enough for a steady rate, few enough for two cores in a minute. */
const DEFAULT_COMMERCE_ORDERS = 300;
/** Webhook deliveries the commerce bench posts (about a tenth of them repeats): a storm of a busy shop's hour in seconds. */
const DEFAULT_COMMERCE_DELIVERIES = 2_000;

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
  /** `--connections <n>`: WebSocket connections of the subscriptions bench (default 1,000). */
  connections: number;
  /** `--subscriptions-per-connection <n>` (default 10). */
  subscriptionsPerConnection: number;
  /** `--orders <n>`: orders in the fake Shopify the commerce bench backfills (default 300). */
  orders: number;
  /** `--deliveries <n>`: signed webhook deliveries the commerce bench posts, about 10% repeats (default 2,000). */
  deliveries: number;
  /** `--cpu-profile <path>`: the returns bench writes a CPU profile of its authorizeReturn run there (default none). */
  cpuProfile?: string;
}

const BENCH_USAGE = `usage: npm run bench -- [name ...] [--refunds <n>] [--settlement-delay-ms <ms>] [--connections <n>] [--subscriptions-per-connection <n>] [--orders <n>] [--deliveries <n>] [--cpu-profile <path>]`;

/** A whole number from the command line; anything else stops the bench naming the option. */
function count(option: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`--${option} must be a whole number in digits, but got: ${JSON.stringify(value)}\n${BENCH_USAGE}`);
  return Number(value);
}

/** The benchmarks named on the command line (all when none) and their settings. */
export function parseBenchArgs(argv: string[]): { names: string[]; settings: BenchSettings } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      refunds: { type: 'string' },
      'settlement-delay-ms': { type: 'string' },
      connections: { type: 'string' },
      'subscriptions-per-connection': { type: 'string' },
      orders: { type: 'string' },
      deliveries: { type: 'string' },
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
      connections: count('connections', values.connections, DEFAULT_CONNECTIONS),
      subscriptionsPerConnection: count('subscriptions-per-connection', values['subscriptions-per-connection'], DEFAULT_SUBSCRIPTIONS_PER_CONNECTION),
      orders: count('orders', values.orders, DEFAULT_COMMERCE_ORDERS),
      deliveries: count('deliveries', values.deliveries, DEFAULT_COMMERCE_DELIVERIES),
      ...(values['cpu-profile'] ? { cpuProfile: values['cpu-profile'] } : {}),
    },
  };
}
