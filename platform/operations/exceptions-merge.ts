/**
 * The returns subgraph's half of the exceptions queue: merging every subgraph's contribution
 * (`exceptions.ts`) into one page, one exact count and one backlog. Each contribution holds at
 * most `first + 1` edges after the cursor, already in order, so the merge sorts at most
 * 4 × (first + 1) edges and the page is exact: the first `first` of the union are the first
 * `first` of the whole queue, and a `first + 1`-th says another page follows.
 */
import { decodeCursor } from '../graphql/connection';
import {
  AGING_BUCKETS,
  EXCEPTION_KINDS,
  sortExceptions,
  type ExceptionContribution,
  type ExceptionKind,
  type ExceptionQuery,
  type ExceptionView,
} from './exceptions';

/** A page of the queue (the SDL's `ExceptionConnection` fields other than its id). */
export interface ExceptionPage {
  edges: { cursor: string; node: ExceptionView }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Open exceptions now: count, oldest age, by kind and by age (the SDL's `ExceptionBacklog`). */
export interface ExceptionBacklog {
  open: number;
  oldestAgeSeconds: number | null;
  byKind: { kind: ExceptionKind; count: number }[];
  aging: { label: string; count: number }[];
}

/** One page from the contributions of every subgraph, oldest first. */
export function mergeExceptionPage(parts: readonly (ExceptionContribution | null | undefined)[], query: ExceptionQuery): ExceptionPage {
  const present = parts.filter((part): part is ExceptionContribution => Boolean(part));
  const placed = present.flatMap((part) =>
    part.edges.map((edge) => {
      // The cursor is the edge's position, issued by the subgraph that built it (exceptionCursor).
      const position = decodeCursor(edge.cursor);
      return { openedMicros: position.sort, id: position.id, edge };
    }),
  );
  const ordered = sortExceptions(placed);
  const page = ordered.slice(0, query.first).map((entry) => entry.edge);
  return {
    edges: page,
    pageInfo: {
      hasNextPage: ordered.length > query.first,
      hasPreviousPage: query.after !== null,
      startCursor: page[0]?.cursor ?? null,
      endCursor: page[page.length - 1]?.cursor ?? null,
    },
    totalCount: present.reduce((total, part) => total + part.totalCount, 0),
  };
}

/** The backlog from every subgraph's counts (the edges play no part; `first: 0` contributions suffice). */
export function exceptionBacklog(parts: readonly (ExceptionContribution | null | undefined)[], now = Date.now()): ExceptionBacklog {
  const present = parts.filter((part): part is ExceptionContribution => Boolean(part));
  const byKind = new Map<ExceptionKind, number>();
  for (const part of present) for (const entry of part.byKind) byKind.set(entry.kind, (byKind.get(entry.kind) ?? 0) + entry.count);
  const aging = AGING_BUCKETS.map((bucket) => ({
    label: bucket.label,
    count: present.reduce((total, part) => total + (part.aging.find((entry) => entry.label === bucket.label)?.count ?? 0), 0),
  }));
  const oldest = present
    .map((part) => (part.oldestOpenedAt === null ? null : new Date(part.oldestOpenedAt).getTime()))
    .filter((time): time is number => time !== null && !Number.isNaN(time))
    .reduce<number | null>((min, time) => (min === null || time < min ? time : min), null);
  return {
    open: present.reduce((total, part) => total + part.totalCount, 0),
    oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now - oldest) / 1000)),
    // In the schema's kind order, so the answer does not depend on which subgraph answered first.
    byKind: EXCEPTION_KINDS.filter((kind) => byKind.has(kind)).map((kind) => ({ kind, count: byKind.get(kind) ?? 0 })),
    aging,
  };
}
