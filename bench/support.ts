import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import autocannon from 'autocannon';
import { PostgresDb, migrate } from '../platform/db';
import { ClientTokenVerifier, InternalTokens, generateSigningKeys, type SigningKeys } from '../platform/auth';
import { ALL_MIGRATIONS } from '../app/migrations';
import { seedDemo } from '../app/demo';
import { startGraph, type RunningGraph } from '../app/graph';
import type { GatewayHopOptions } from '../app/config-gateway';
import type { CommerceConnector } from '../connectors/commerce/port';
import type { AdmissionLimits } from '../gateway/admission';

/** Time for the last in-flight requests of a load run to finish before the servers close. */
const IN_FLIGHT_DRAIN_MS = 1_000;

/** A benchmark's own database and graph. */
export interface BenchGraph {
  db: PostgresDb;
  graph: RunningGraph;
  keys: SigningKeys;
  internalTokens: InternalTokens;
  /** The registry's token, for a bench that starts another gateway on the same registry. */
  registryToken: string;
  close(): Promise<void>;
}

/** A benchmark's own database: created fresh and migrated, dropped afterwards. */
export interface BenchDatabase {
  db: PostgresDb;
  drop(): Promise<void>;
}

/** Connections per benchmark database pool: enough for the concurrent callers of any bench here. */
const BENCH_POOL_SIZE = 20;

/**
 * Creates `rg_bench_<label>_...` on the server of `adminUrl` (`BenchSettings`), applies
 * every migration and, with `seed`, loads the demo retailer. Each run gets its own database, so
 * benchmarks never see each other's (or the tests') data.
 */
export async function createBenchDatabase(label: string, adminUrl: string, options: { seed?: boolean; poolSize?: number } = {}): Promise<BenchDatabase> {
  const name = `rg_bench_${label}_${Date.now().toString(36)}_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = new PostgresDb({ connectionString: url.toString(), maxConnections: options.poolSize ?? BENCH_POOL_SIZE });
  await migrate(db, ALL_MIGRATIONS);
  if (options.seed) await seedDemo(db);
  return {
    db,
    async drop() {
      await db.close();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Options of `startBenchGraph`. */
export interface BenchGraphOptions {
  /** Load the demo retailer (default true). */
  seed?: boolean;
  /** The commerce platforms' connectors (default none, as `COMMERCE_CONNECTOR=none`). */
  commerce?: readonly CommerceConnector[];
  /** How the gateway fetches from subgraphs (default as `GATEWAY_MERGE_FETCHES=true`). */
  gatewayHop?: Partial<GatewayHopOptions>;
  /** The gateway's admission limits (default `DEFAULT_ADMISSION_LIMITS`, as `GATEWAY_*` default). */
  admission?: AdmissionLimits;
}

/** A fresh migrated database with the demo data and the whole graph on it, like production in one process. */
export async function startBenchGraph(adminUrl: string, options: BenchGraphOptions = {}): Promise<BenchGraph> {
  const { db, drop } = await createBenchDatabase('graph', adminUrl, { seed: options.seed ?? true });
  const keys = await generateSigningKeys();
  const internalTokens = new InternalTokens(randomBytes(32).toString('base64url'));
  const registryToken = randomBytes(24).toString('base64url');
  const graph = await startGraph({
    db,
    ports: { gateway: 0, registry: 0, subgraphs: { orders: 0, returns: 0, inventory: 0, refunds: 0 } },
    verifier: await ClientTokenVerifier.fromPublicJwk(keys.publicJwk),
    internalTokens,
    registryToken,
    commerce: options.commerce,
    gatewayHop: options.gatewayHop,
    admission: options.admission,
  });
  return {
    db,
    graph,
    keys,
    internalTokens,
    registryToken,
    async close() {
      // autocannon stops sending at the deadline, but its last requests are still being answered.
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_DRAIN_MS));
      await graph.close();
      await drop();
    },
  };
}

/** One load run's figures. */
export interface LoadResult {
  label: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

/** Options of one load run. */
export interface LoadOptions {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** Builds the body of request `i`, so requests vary (different orders, not one cached row). */
  body: (i: number) => string;
  connections?: number;
  durationSeconds?: number;
}

/** Connections of a load run: enough to keep two cores busy through the gateway's hops. */
const DEFAULT_CONNECTIONS = 32;
/** Seconds per run: long enough for stable medians, short enough to run every bench in minutes. */
const DEFAULT_DURATION_S = 10;

/** Runs autocannon with POSTed GraphQL bodies and returns its figures. */
export async function load(options: LoadOptions): Promise<LoadResult> {
  let i = 0;
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections ?? DEFAULT_CONNECTIONS,
    duration: options.durationSeconds ?? DEFAULT_DURATION_S,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [{ setupRequest: (request) => ({ ...request, body: options.body(i++) }) }],
  });
  return {
    label: options.label,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

/** Prints results as a table. */
export function report(title: string, results: LoadResult[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(`${'scenario'.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}\n`);
  for (const r of results) {
    process.stdout.write(
      `${r.label.padEnd(44)} ${String(r.requestsPerSecond).padStart(8)} ${String(r.p50Ms).padStart(8)} ${String(r.p99Ms).padStart(8)} ${String(r.errors + r.non2xx).padStart(7)}\n`,
    );
  }
}
