import { badUserInput } from './errors';

/** Page size when a client does not say; small enough for a phone screen. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest page a client may ask for; bigger lists are paged, keeping each response bounded. */
export const MAX_PAGE_SIZE = 100;

/** The Relay arguments of a forward-paginated connection. */
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** A keyset position: the sort value and id of the last row seen. */
export interface Cursor {
  sort: string;
  id: string;
}

/** Opaque cursor text for a position. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.id])).toString('base64url');
}

/** The position a cursor names; a tampered or foreign cursor is a BAD_USER_INPUT error. */
export function decodeCursor(text: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { sort: value[0], id: value[1] };
    }
  } catch {
    // fall through to the error below
  }
  throw badUserInput(`"${text}" is not a cursor this list issued.`, 'after');
}

/** Validated page size and decoded `after`. */
export function pageRequest(args: PageArgs): { limit: number; after?: Cursor } {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
  }
  return { limit: first, after: args.after ? decodeCursor(args.after) : undefined };
}

/** A Relay connection object. */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount?: number;
}

/**
 * Builds a connection from rows fetched with `LIMIT limit + 1`: the extra row only tells that a
 * next page exists.
 */
export function toConnection<T>(rows: T[], limit: number, cursorOf: (row: T) => Cursor, hadAfter: boolean): Connection<T> {
  const page = rows.slice(0, limit);
  const edges = page.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: hadAfter,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
