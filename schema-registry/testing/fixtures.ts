/**
 * Small federation v2.7 subgraph SDLs and helpers shared by the registry's tests. Each SDL is
 * valid on its own; the variants exist to trigger one specific outcome each.
 */
import type { Queryable } from '../../platform/db';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** A publish token long enough for `startRegistry`. */
export const TEST_PUBLISH_TOKEN = 'test-registry-token-0123456789';

/** The orders subgraph: `Order @key(fields: "id")` with a number. */
export const ORDERS_SDL = `${LINK}
"Root queries of the orders subgraph."
type Query {
  "Looks up an order by id."
  order(id: ID!): Order
}
"A customer order."
type Order @key(fields: "id") {
  "Opaque id."
  id: ID!
  "Human-readable order number."
  number: String!
}
`;

/** Orders with a new optional field: a safe, additive change. */
export const ORDERS_WITH_EMAIL_SDL = ORDERS_SDL.replace('  number: String!\n', '  number: String!\n  "Contact email."\n  email: String\n');

/** Orders without `Order.number`: removes a field clients may use. */
export const ORDERS_WITHOUT_NUMBER_SDL = ORDERS_SDL.replace('  "Human-readable order number."\n  number: String!\n', '');

/** Orders with `Order.number: Int!`: changes a field's type. */
export const ORDERS_NUMBER_AS_INT_SDL = ORDERS_SDL.replace('number: String!', 'number: Int!');

/** The returns subgraph: adds `Return` and contributes `Order.returns`. */
export const RETURNS_SDL = `${LINK}
"Root queries of the returns subgraph."
type Query {
  "Looks up a return by id."
  return(id: ID!): Return
}
"A return of some lines of an order."
type Return @key(fields: "id") {
  "Opaque id."
  id: ID!
  "The order returned from."
  order: Order!
}
"An order, as the returns subgraph extends it."
type Order @key(fields: "id") {
  "Opaque id."
  id: ID!
  "Returns requested for this order."
  returns: [Return!]!
}
`;

/** Returns that also defines the non-shareable `Order.number`, with another type: a composition conflict. */
export const RETURNS_CONFLICTING_SDL = RETURNS_SDL.replace(
  '  returns: [Return!]!\n',
  '  returns: [Return!]!\n  "Conflicts with the orders subgraph."\n  number: Int!\n',
);

/** A standalone subgraph named `name` with its own root field and entity, for concurrency tests. */
export function standaloneSdl(name: string): string {
  const type = name.replace(/(^|-)([a-z])/g, (_m, _dash: string, letter: string) => letter.toUpperCase());
  const field = type.charAt(0).toLowerCase() + type.slice(1);
  return `${LINK}
"Root queries of ${name}."
type Query {
  "Looks up a ${type}."
  ${field}(id: ID!): ${type}
}
"An entity owned by ${name}."
type ${type} @key(fields: "id") {
  "Opaque id."
  id: ID!
}
`;
}

/** Empties the registry's tables, so each test starts from a graph with nothing published. */
export async function resetRegistry(db: Queryable): Promise<void> {
  await db.query('TRUNCATE registry.supergraph_versions, registry.subgraph_versions');
}

/** Row counts of both registry tables: how a test proves that nothing was written. */
export async function registryCounts(db: Queryable): Promise<{ subgraphs: number; supergraphs: number }> {
  const { rows } = await db.query<{ subgraphs: number; supergraphs: number }>(
    `SELECT (SELECT count(*) FROM registry.subgraph_versions)::int AS subgraphs,
            (SELECT count(*) FROM registry.supergraph_versions)::int AS supergraphs`,
  );
  return rows[0] as { subgraphs: number; supergraphs: number };
}

/** Returns serving a subscription stream: `Subscription.returnChanged` and its two queries. */
export const RETURNS_WITH_STREAM_SDL = RETURNS_SDL.replace(
  '  return(id: ID!): Return\n}\n',
  `  return(id: ID!): Return
  "One update by cursor."
  returnUpdate(cursor: String!): Return
  "Updates after a cursor."
  returnUpdatePage(after: String, orderId: ID): [Return!]!
}
"Streamed changes."
type Subscription {
  "A return changed."
  returnChanged(orderId: ID, after: String): Return!
}
`,
);

/** The stream `RETURNS_WITH_STREAM_SDL` serves, as its subgraph declares it. */
export const RETURN_CHANGED_STREAM = {
  field: 'returnChanged',
  eventTypes: ['ReturnAuthorized'],
  one: 'returnUpdate',
  page: 'returnUpdatePage',
  filters: ['orderId'],
};
