import { randomBytes } from 'node:crypto';
import { ClientTokenVerifier, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../../platform/auth';
import { startGraph, type RunningGraph } from '../../app/graph';
import { seedDemo, seedDemoLocations } from '../../app/demo';
import { createTestDatabase, type TestDatabase } from './database';
import { postGraphQL, testInternalTokens, type GraphQLResponse } from './subgraph-client';
import type { UpdateFanout } from '../../platform/events/fanout';
import type { Queryable } from '../../platform/db';
import { DEMO_LOCATIONS } from '../../demo/catalog';
import type { SubgraphSettings } from '../../app/subgraphs';
import type { AdmissionLimits } from '../../gateway/admission';

/** Every port 0: the operating system picks free ones, so test files never collide. */
export const FREE_PORTS = { gateway: 0, registry: 0, subgraphs: { orders: 0, returns: 0, inventory: 0, refunds: 0 } };

/** How long inventory's announcement of the demo locations may take to reach returns (outbox → relay → consumer). */
const LOCATIONS_WAIT_MS = 10_000;
/** Poll interval while waiting: the announcement usually lands within tens of milliseconds. */
const LOCATIONS_POLL_MS = 25;

/** Waits until returns knows every demo location, so the first return a test takes is not refused as UNKNOWN_LOCATION. */
async function waitForDemoLocations(db: Queryable): Promise<void> {
  const ids = DEMO_LOCATIONS.map((location) => location.id);
  const deadline = Date.now() + LOCATIONS_WAIT_MS;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM returns.locations WHERE id = ANY($1)`, [ids]);
    if (Number(rows[0]?.n ?? 0) === ids.length) return;
    if (Date.now() > deadline) throw new Error(`returns knows ${rows[0]?.n ?? 0} of ${ids.length} demo locations after ${LOCATIONS_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, LOCATIONS_POLL_MS));
  }
}

/** The whole graph on a fresh PostgreSQL database, with demo data, and a way to call it as anyone. */
export interface TestGraph {
  graph: RunningGraph;
  database: TestDatabase;
  keys: SigningKeys;
  registryToken: string;
  /** The gateway's GraphQL URL. */
  url: string;
  /** Calls the gateway as `principal` (a fresh client token each call). */
  query<T = Record<string, unknown>>(
    principal: Principal,
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  tokenFor(principal: Principal): Promise<string>;
  close(): Promise<void>;
}

/** Options of `startTestGraph`. */
export interface TestGraphOptions {
  /** Load the demo data (orders and stock); default true. The demo retailer's locations are always registered. */
  seed?: boolean;
  /** Gateway registry poll interval; default 200 ms so schema changes show quickly. */
  pollIntervalMs?: number;
  /**
   * Broadcast of published events to subscriptions; default in-process. Pass a `RedisFanout` so
   * gateways in other processes receive the relays' notices too. Closed with the graph.
   */
  fanout?: UpdateFanout;
  /** The subgraphs' settings; default `TEST_SETTINGS` (every setting's default). */
  settings?: SubgraphSettings;
  /** The gateway's admission limits; default `DEFAULT_ADMISSION_LIMITS`. */
  admission?: AdmissionLimits;
}

/** Starts registry, subgraphs and gateway on real PostgreSQL, like production but in one process. */
export async function startTestGraph(options: TestGraphOptions = {}): Promise<TestGraph> {
  const database = await createTestDatabase();
  // Returns are taken and received only at locations inventory knows, so even a graph without demo data has the demo retailer's.
  if (options.seed ?? true) await seedDemo(database.db);
  else await seedDemoLocations(database.db);
  const keys = await generateSigningKeys();
  const registryToken = randomBytes(24).toString('base64url');
  const graph = await startGraph({
    db: database.db,
    ports: FREE_PORTS,
    verifier: await ClientTokenVerifier.fromPublicJwk(keys.publicJwk),
    internalTokens: testInternalTokens,
    registryToken,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    fanout: options.fanout,
    settings: options.settings,
    admission: options.admission,
  });
  await waitForDemoLocations(database.db);
  const url = `${graph.gateway.url}/graphql`;
  const tokenFor = (principal: Principal) => signClientToken(principal, keys.privateJwk);
  return {
    graph,
    database,
    keys,
    registryToken,
    url,
    tokenFor,
    async query(principal, query, variables = {}, headers = {}) {
      return postGraphQL(url, query, variables, { authorization: `Bearer ${await tokenFor(principal)}`, ...headers });
    },
    async close() {
      await graph.close();
      await database.drop();
    },
  };
}
