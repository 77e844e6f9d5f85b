/**
 * Relay connections over the fake's arrays, and the default field resolver that applies them: a
 * field whose type is a `...Connection` pages its array by `first`/`after`, a list field with a
 * `first` argument is cut to it, a function-valued property is called with the arguments.
 */
import { getNamedType, type GraphQLFieldResolver } from 'graphql';

/** What the resolvers share for one request. */
export interface FakeContext {
  /** Bulk exports read connections whole; a normal query must say `first` or `last`, as on Shopify. */
  bulk: boolean;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** Paging arguments as Shopify takes them. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
}

/** Shopify refuses pages larger than 250. */
const MAX_PAGE = 250;

/** An opaque cursor for a sort key (Shopify's cursors are opaque base64 too). */
export function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new Error(`Invalid cursor: ${cursor}`);
  }
}

/** The size of the page asked for; an error when neither first nor last is given outside a bulk export. */
function pageSize(args: PageArgs, context: FakeContext, total: number): number {
  const size = args.first ?? args.last;
  if (size === null || size === undefined) {
    if (context.bulk) return total;
    throw new Error('you must provide one of first or last');
  }
  if (size < 0 || size > MAX_PAGE) throw new Error(`first and last must be between 0 and ${MAX_PAGE}`);
  return size;
}

/**
 * A connection over `items` sorted by `keyOf` (compared as JSON-able tuples): `after` a cursor
 * means after that key, so an item whose key changed later sorts after it and is read again.
 */
export function connection<T>(items: readonly T[], args: PageArgs, context: FakeContext, keyOf: (item: T) => (string | number)[]): Connection<T> {
  const after = args.after ? (decodeCursor(args.after) as (string | number)[]) : null;
  const start = after ? items.findIndex((item) => compareKeys(keyOf(item), after) > 0) : 0;
  const from = start < 0 ? items.length : start;
  const size = pageSize(args, context, items.length);
  const page = items.slice(from, from + size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage: from + size < items.length,
      hasPreviousPage: from > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}

/** Compares two sort keys element by element. */
export function compareKeys(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The default resolver of the fake's schema (see the module comment). */
export const fakeFieldResolver: GraphQLFieldResolver<Record<string, unknown>, FakeContext> = (source, args, context, info) => {
  const raw = source[info.fieldName];
  const value = typeof raw === 'function' ? (raw as (a: unknown, c: FakeContext) => unknown)(args, context) : raw;
  const typeName = getNamedType(info.returnType).name;
  if (Array.isArray(value) && typeName.endsWith('Connection')) {
    // Nested connections page by position, which is stable for the fake's append-only arrays.
    const indexed = value.map((node, index) => ({ node, index }));
    const page = connection(indexed, args as PageArgs, context, (item) => [item.index]);
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: e.node.node })), nodes: page.nodes.map((n) => n.node) };
  }
  if (Array.isArray(value) && typeof (args as PageArgs).first === 'number') return value.slice(0, (args as PageArgs).first as number);
  return value;
};
