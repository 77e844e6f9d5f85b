import { parse } from 'graphql';
import type { Db } from '../../platform/db';
import { forbidden } from '../../platform/graphql/errors';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from '../../platform/subgraph';
import { testInternalTokens } from '../../test/support/subgraph-client';
import type { ComposableSubgraph } from './fake-registry';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** Fields that wait at a gate the test holds, so concurrent fetches are provably in flight together. */
const GATED_SDL = `${LINK}
"""Test root."""
type Query {
  """The caller's subject and the tag: an answer that depends on the principal."""
  whoami(tag: String!): String!
  """Always refused with FORBIDDEN, after the gate."""
  refused(tag: String!): String
}
"""Test mutations."""
type Mutation {
  """Counts a call and echoes the caller and tag."""
  touch(tag: String!): String!
}
`;

/** One call a resolver received: which field, for whom, with which tag. */
export interface GatedCall {
  field: string;
  subject: string;
  tag: string;
}

/** A gate resolvers wait at while it is held. */
class Gate {
  private opened: Promise<void> = Promise.resolve();
  private release: () => void = () => undefined;

  hold(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release();
    this.opened = Promise.resolve();
  }

  passed(): Promise<void> {
    return this.opened;
  }
}

/** A running gated subgraph, the calls it received and its gate. */
export interface GatedSubgraph {
  subgraph: RunningSubgraph;
  calls: GatedCall[];
  gate: Gate;
  composable: ComposableSubgraph[];
  close(): Promise<void>;
}

type Ctx = SubgraphContext<undefined>;

/** Starts a one-subgraph graph (named `orders`) whose resolvers record each call, then wait at the gate. */
export async function startGatedSubgraph(db: Db): Promise<GatedSubgraph> {
  const calls: GatedCall[] = [];
  const gate = new Gate();
  const arrive = async (field: string, tag: string, ctx: Ctx) => {
    calls.push({ field, subject: ctx.principal.subject, tag });
    await gate.passed();
    return `${ctx.principal.subject}/${tag}`;
  };
  const subgraph = await startSubgraph(
    {
      name: 'orders',
      // Test fields, not operations of the product's capability table.
      capabilityChecks: false,
      typeDefs: parse(GATED_SDL),
      resolvers: {
        Query: {
          whoami: (_: unknown, { tag }: { tag: string }, ctx: Ctx) => arrive('whoami', tag, ctx),
          refused: async (_: unknown, { tag }: { tag: string }, ctx: Ctx) => {
            await arrive('refused', tag, ctx);
            throw forbidden();
          },
        },
        Mutation: {
          touch: (_: unknown, { tag }: { tag: string }, ctx: Ctx) => arrive('touch', tag, ctx),
        },
      },
      loaders: () => undefined,
      eventOperations: false,
    },
    { db, internalTokens: testInternalTokens, port: 0 },
  );
  return {
    subgraph,
    calls,
    gate,
    composable: [{ name: 'orders', sdl: GATED_SDL, url: `${subgraph.url}/graphql` }],
    close: () => subgraph.close(),
  };
}
