import { randomBytes } from 'node:crypto';
import { ClientTokenVerifier, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../../platform/auth';
import { startGraph, type RunningGraph } from '../../app/graph';
import { seedDemo, seedDemoLocations } from '../../app/demo';
import { createTestDatabase, type TestDatabase } from './database';
import { postGraphQL, testInternalTokens, type GraphQLResponse } from './subgraph-client';
import type { UpdateFanout } from '../../platform/events/fanout';

/** Every port 0: the operating system picks free ones, so test files never collide. */
export const FREE_PORTS = { gateway: 0, registry: 0, subgraphs: { orders: 0, returns: 0, inventory: 0, refunds: 0 } };

/** The whole graph on a fresh PostgreSQL database, with demo data, and a way to call it as anyone. */
export interface TestGraph {
  graph: RunningGraph;
  database: TestDatabase;
  keys: SigningKeys;
  registryToken: string;
  /** The gateway's GraphQL URL. */
  url: string;
  /** Calls the gateway as `principal` (a fresh client token each call). */
  query<T = Record<string, unknown>>(principal: Principal, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
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
  });
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
