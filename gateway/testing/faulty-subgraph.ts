import { GraphQLScalarType, Kind, parse } from 'graphql';
import type { Db } from '../../platform/db';
import { forbidden } from '../../platform/graphql/errors';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from '../../platform/subgraph';
import { testInternalTokens } from '../../test/support/subgraph-client';
import type { ComposableSubgraph } from './fake-registry';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** A table no migration creates: reading it is a real PostgreSQL fault naming SQL internals. */
export const MISSING_TABLE = 'masking_probe.no_such_table';

/** The faults a client can provoke, one field each. */
const FAULTY_SDL = `${LINK}
"""A day, as YYYY-MM-DD; the subgraph refuses anything else while parsing the literal."""
scalar Day
"""Test root."""
type Query {
  """Reads a table that does not exist: an unexpected fault with SQL in its message."""
  fault: String
  """Always refused with FORBIDDEN."""
  denied: String
  """Echoes a day; a malformed literal fails the subgraph's validation (HTTP 400 from the subgraph)."""
  since(day: Day!): String
  """Introspection-free data every role may read."""
  ping: String!
}
`;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Accepts YYYY-MM-DD only; the gateway cannot check it (the supergraph carries no scalar code). */
const Day = new GraphQLScalarType({
  name: 'Day',
  serialize: (value) => String(value),
  parseValue: (value) => {
    if (typeof value !== 'string' || !DAY.test(value)) throw new TypeError('Day must be YYYY-MM-DD');
    return value;
  },
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING || !DAY.test(ast.value)) throw new TypeError('Day must be YYYY-MM-DD');
    return ast.value;
  },
});

/** A running faulty subgraph and its composition input. */
export interface FaultySubgraph {
  subgraph: RunningSubgraph;
  composable: ComposableSubgraph[];
  close(): Promise<void>;
}

/**
 * Starts a one-subgraph graph whose fields fail in the ways clients must never see the inside of.
 * `errorDetails` is what the subgraph itself is configured with (the gateway masks regardless).
 */
export async function startFaultySubgraph(db: Db, errorDetails = false): Promise<FaultySubgraph> {
  const subgraph = await startSubgraph(
    {
      name: 'orders',
      // Test fields, not operations of the product's capability table.
      capabilityChecks: false,
      typeDefs: parse(FAULTY_SDL),
      resolvers: {
        Day,
        Query: {
          fault: async (_: unknown, __: unknown, ctx: SubgraphContext<undefined>) => {
            await ctx.db.query(`SELECT * FROM ${MISSING_TABLE}`);
            return 'unreachable';
          },
          denied: () => {
            throw forbidden();
          },
          since: (_: unknown, { day }: { day: string }) => day,
          ping: () => 'pong',
        },
      },
      loaders: () => undefined,
      eventOperations: false,
    },
    { db, internalTokens: testInternalTokens, port: 0, errorDetails },
  );
  return {
    subgraph,
    composable: [{ name: 'orders', sdl: FAULTY_SDL, url: `${subgraph.url}/graphql` }],
    close: () => subgraph.close(),
  };
}
