import { parse } from 'graphql';
import { startSubgraph, type RunningSubgraph, type SubgraphContext } from './subgraph';
import { isInputRejectedByDatabase } from './db/errors';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { subgraphRequest, testInternalTokens } from '../test/support/subgraph-client';
import { principals } from '../test/support/principals';

/**
 * The last line of defence: a value no declared limit caught and PostgreSQL refuses is the
 * client's fault, so it is BAD_USER_INPUT with a message that names no SQL, never an internal error.
 */

/** A minimal subgraph that hands its argument straight to PostgreSQL, casting it as asked. */
const castingSubgraph = {
  name: 'orders' as const,
  eventOperations: false,
  capabilityChecks: false,
  typeDefs: parse(`type Query { cast(value: String!, as: String!): String }`),
  loaders: () => ({}),
  resolvers: {
    Query: {
      async cast(_: unknown, args: { value: string; as: string }, ctx: SubgraphContext) {
        const casts: Record<string, string> = { timestamptz: '$1::timestamptz::text', int: '$1::int::text', text: '$1::text' };
        const sql = args.as === 'note' ? `INSERT INTO public.short_notes (note) VALUES ($1) RETURNING note AS v` : `SELECT ${casts[args.as]} AS v`;
        const { rows } = await ctx.db.query<{ v: string }>(sql, [args.value]);
        return rows[0]?.v ?? null;
      },
    },
  },
};

let database: TestDatabase;
let subgraph: RunningSubgraph;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  await database.db.query(`CREATE TABLE public.short_notes (note text NOT NULL CHECK (length(note) <= 3))`);
  subgraph = await startSubgraph(castingSubgraph, { db: database.db, internalTokens: testInternalTokens, port: 0 });
});

afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});

// Each value passes the declared limits (plain, short text) and is refused only by PostgreSQL.
it.each([
  ['a malformed timestamp (22007)', 'not-a-date', 'timestamptz'],
  ['a malformed integer (22P02)', 'twelve', 'int'],
  ['an out-of-range integer (22003)', '99999999999', 'int'],
  ['a CHECK constraint (23514)', 'abcdef', 'note'],
])('answers %s refused by PostgreSQL with BAD_USER_INPUT and no SQL in the message', async (_name, value, as) => {
  const response = await subgraphRequest(subgraph.url, principals.operations(), `query($v: String!, $as: String!) { cast(value: $v, as: $as) }`, {
    v: value,
    as,
  });
  expect(response.status).toBe(200);
  expect(response.errors?.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  expect(response.errors?.[0]?.message).not.toMatch(/syntax|column|type|SELECT|constraint|short_notes/i);
});

it('recognises PostgreSQL refusing a NUL byte as input, not a fault', async () => {
  const error = await database.db.query(`SELECT $1::text`, ['a\u0000b']).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isInputRejectedByDatabase(error)).toBe(true);
  const fault = await database.db.query(`SELECT * FROM no_such_table`).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isInputRejectedByDatabase(fault)).toBe(false);
});
