import type { IncomingHttpHeaders } from 'node:http';
import { parse } from 'graphql';
import type { Db } from '../../platform/db';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from '../../platform/subgraph';
import { testInternalTokens } from '../../test/support/subgraph-client';
import type { ComposableSubgraph } from './fake-registry';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** Orders test subgraph: owns `Order`; `whoami`/`correlation` echo what the gateway sent. */
const ORDERS_SDL = `${LINK}
"""Test root."""
type Query {
  """An order by id."""
  order(id: ID!): Order
  """Orders, paginated."""
  orders(first: Int): [Order!]!
  """The subject of the principal the gateway asserted."""
  whoami: String!
  """The correlation id the gateway forwarded."""
  correlation: String!
}
"""An order."""
type Order @key(fields: "id") {
  """Opaque id."""
  id: ID!
  """Human number."""
  number: String!
  """Another order, so operations can nest without end."""
  related: Order
}
`;

/** Returns test subgraph, version 1: extends `Order` with `returnCount`. */
const RETURNS_V1_SDL = `${LINK}
"""An order, as the returns subgraph knows it."""
type Order @key(fields: "id") {
  """Opaque id."""
  id: ID!
  """How many returns the order has."""
  returnCount: Int!
}
`;

/** Returns test subgraph, version 2: adds `returnNote` (what hot reload must pick up). */
const RETURNS_V2_SDL = RETURNS_V1_SDL.replace('  returnCount: Int!\n', '  returnCount: Int!\n  """A note added in version 2."""\n  returnNote: String!\n');

/** Two running test subgraphs, what each received, and their SDL for composition. */
export interface TestSubgraphs {
  orders: RunningSubgraph;
  returns: RunningSubgraph;
  /** Headers of every HTTP request each subgraph received, in order. */
  received: { orders: IncomingHttpHeaders[]; returns: IncomingHttpHeaders[] };
  /** Composition input for version 1 (without `returnNote`) or 2 (with it). */
  composable(version: 1 | 2): ComposableSubgraph[];
  close(): Promise<void>;
}

type Ctx = SubgraphContext<undefined>;

/** Starts both test subgraphs on free ports, verifying principals with `testInternalTokens`. */
export async function startTestSubgraphs(db: Db): Promise<TestSubgraphs> {
  const order = (id: string) => ({ id, number: `R-${id}` });
  const orders = await startSubgraph(
    {
      name: 'orders',
      // Test fields, not operations of the product's capability table.
      capabilityChecks: false,
      typeDefs: parse(ORDERS_SDL),
      resolvers: {
        Query: {
          order: (_: unknown, { id }: { id: string }) => order(id),
          orders: (_: unknown, { first }: { first?: number }) => Array.from({ length: first ?? 3 }, (_x, i) => order(`o${i + 1}`)),
          whoami: (_: unknown, __: unknown, ctx: Ctx) => ctx.principal.subject,
          correlation: (_: unknown, __: unknown, ctx: Ctx) => ctx.correlationId,
        },
        Order: {
          __resolveReference: (ref: { id: string }) => order(ref.id),
          related: (parent: { id: string }) => order(`${parent.id}x`),
        },
      },
      loaders: () => undefined,
      eventOperations: false,
    },
    { db, internalTokens: testInternalTokens, port: 0 },
  );
  const returns = await startSubgraph(
    {
      name: 'returns',
      capabilityChecks: false,
      // The running subgraph already has version 2's field; the supergraph decides when the graph shows it.
      typeDefs: parse(RETURNS_V2_SDL),
      resolvers: {
        Order: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          returnCount: (parent: { id: string }) => parent.id.length,
          returnNote: (parent: { id: string }) => `note for ${parent.id}`,
        },
      },
      loaders: () => undefined,
      eventOperations: false,
    },
    { db, internalTokens: testInternalTokens, port: 0 },
  );
  const received = { orders: [] as IncomingHttpHeaders[], returns: [] as IncomingHttpHeaders[] };
  orders.server.on('request', (req: { headers: IncomingHttpHeaders }) => received.orders.push(req.headers));
  returns.server.on('request', (req: { headers: IncomingHttpHeaders }) => received.returns.push(req.headers));
  return {
    orders,
    returns,
    received,
    composable: (version) => [
      { name: 'orders', sdl: ORDERS_SDL, url: `${orders.url}/graphql` },
      { name: 'returns', sdl: version === 1 ? RETURNS_V1_SDL : RETURNS_V2_SDL, url: `${returns.url}/graphql` },
    ],
    async close() {
      await Promise.all([orders.close(), returns.close()]);
    },
  };
}
