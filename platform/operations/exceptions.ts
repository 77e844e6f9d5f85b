/**
 * The exceptions queue, the parts every subgraph shares: what an exception is, where each
 * subgraph finds its own (an `ExceptionSource`: one SQL select over its own tables), how one
 * subgraph's contribution to a page is read (bounded: at most `first + 1` after the cursor, plus
 * exact counts), and how the returns subgraph merges the four contributions into one page and one
 * backlog. Data ownership holds: each subgraph reads only its own schema; they meet through the
 * `ExceptionConnection` entity, keyed by an id that encodes the arguments (`exceptionQueryId`).
 *
 * Order is (openedAt, id), oldest first, on every side: `openedAt` compared in microseconds (what
 * PostgreSQL stores, so a cursor never re-includes a row that a millisecond cursor would) and the
 * id in byte order (`COLLATE "C"` in SQL, `<` on ASCII strings here), so SQL and the merge agree.
 */
import type { Queryable } from '../db';
import { badUserInput } from '../graphql/errors';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../graphql/connection';

/** The kinds of exception (the SDL's `ExceptionKind`). */
export const EXCEPTION_KINDS = [
  'DEAD_LETTER',
  'REFUND_FAILED',
  'REFUND_REQUIRES_ACTION',
  'REFUND_AWAITING_APPROVAL',
  'CREDIT_MEMO_FAILED',
  'STOCK_POSTING_FAILED',
  'RECONCILIATION_MISMATCH',
  'RETURN_STUCK',
] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/** What resolves an exception (the SDL's `ExceptionActionKind`). */
export type ExceptionActionKind = 'REPLAY_DEAD_LETTER' | 'RETRY_REFUND' | 'APPROVE_REFUND' | 'RETRY_POSTING' | 'RESOLVE_MISMATCH' | 'REVIEW_RETURN';

/** One exception as a subgraph builds it from its row. */
export interface OperationsException {
  id: string;
  kind: ExceptionKind;
  subgraph: string;
  summary: string;
  openedAt: Date;
  orderId?: string | null;
  returnId?: string | null;
  refundId?: string | null;
  correlationId?: string | null;
  evidence: { label: string; value: string }[];
  action: { kind: ExceptionActionKind; label: string; mutation: string; targetId: string };
}

/** An exception with its place in the order (what the cursor carries). */
export interface PlacedException extends OperationsException {
  /** openedAt in microseconds since the epoch (exact, as stored). */
  openedMicros: string;
}

/**
 * Where one kind of exception lives in a subgraph. `select` is SQL over the subgraph's own tables
 * that yields one row per open exception with at least `exception_id` (text, ASCII, unique across
 * the subgraph: prefix it with the kind; the API's id is `<subgraph>.<exception_id>`) and `opened_at` (timestamptz); `toException` turns a row into
 * the API's shape. Both the page and the counts are read from that one select, so they cannot disagree.
 */
export interface ExceptionSource {
  kind: ExceptionKind;
  select: string;
  /** The row as the API shows it; id, kind and subgraph are set by the caller. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  toException(row: any): Omit<OperationsException, 'id' | 'kind' | 'subgraph'>;
}

/** What a page of the queue asks: decoded from the `ExceptionConnection` id in every subgraph. */
export interface ExceptionQuery {
  first: number;
  after: { micros: string; id: string } | null;
  kind: ExceptionKind | null;
}

/** Aging buckets, upper bounds in seconds (the last open-ended), with the labels the schema names. */
export const AGING_BUCKETS = [
  { label: '<1h', belowSeconds: 3_600 },
  { label: '1h-24h', belowSeconds: 86_400 },
  { label: '1d-7d', belowSeconds: 7 * 86_400 },
  { label: '>7d', belowSeconds: Infinity },
] as const;

/** An exception as the API shows it (the SDL's `OperationsException`), also as it arrives from another subgraph. */
export interface ExceptionView extends Omit<OperationsException, 'openedAt' | 'orderId' | 'returnId' | 'refundId' | 'correlationId'> {
  openedAt: string;
  ageSeconds: number;
  orderId: string | null;
  returnId: string | null;
  refundId: string | null;
  correlationId: string | null;
}

/** One subgraph's part of a page (the SDL's `ExceptionContribution`), as built and as another subgraph receives it. */
export interface ExceptionContribution {
  totalCount: number;
  oldestOpenedAt: Date | string | null;
  byKind: { kind: ExceptionKind; count: number }[];
  aging: { label: string; count: number }[];
  edges: { cursor: string; node: ExceptionView }[];
}

const MICROS = /^[0-9]{1,17}$/;
const EXCEPTION_ID = /^[A-Za-z0-9_.:-]{1,200}$/;
const QUERY_ID_PREFIX = 'exq_';

/** The cursor of an exception: its (openedAt in µs, id). */
export const exceptionCursor = (item: PlacedException): string => encodeCursor({ sort: item.openedMicros, id: item.id });

/** Validates the root field's arguments into a query: first 0..100 (default 20), a cursor this queue issued, a known kind. */
export function exceptionQuery(args: { first?: number | null; after?: string | null; kind?: string | null }): ExceptionQuery {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
  let after: ExceptionQuery['after'] = null;
  if (args.after) {
    const cursor = decodeCursor(args.after);
    if (!MICROS.test(cursor.sort) || !EXCEPTION_ID.test(cursor.id)) throw badUserInput(`"${args.after}" is not a cursor this list issued.`, 'after');
    after = { micros: cursor.sort, id: cursor.id };
  }
  const kind = args.kind ?? null;
  if (kind !== null && !(EXCEPTION_KINDS as readonly string[]).includes(kind)) throw badUserInput(`"${kind}" is not an exception kind.`, 'kind');
  return { first, after, kind: kind as ExceptionKind | null };
}

/** The `ExceptionConnection` entity id: the query, so every subgraph reads the same page. */
export function exceptionQueryId(query: ExceptionQuery): string {
  return QUERY_ID_PREFIX + Buffer.from(JSON.stringify([query.first, query.after?.micros ?? null, query.after?.id ?? null, query.kind])).toString('base64url');
}

/** The query an entity id encodes; an id the returns subgraph did not make is BAD_USER_INPUT. */
export function decodeExceptionQueryId(id: string): ExceptionQuery {
  const refuse = () => badUserInput('Not an exceptions page id.', 'id');
  if (!id.startsWith(QUERY_ID_PREFIX)) throw refuse();
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(id.slice(QUERY_ID_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(value) || value.length !== 4) throw refuse();
  const [first, micros, afterId, kind] = value as unknown[];
  const after = micros === null && afterId === null ? null : encodeCursor({ sort: String(micros), id: String(afterId) });
  if (typeof first !== 'number' || (kind !== null && typeof kind !== 'string')) throw refuse();
  return exceptionQuery({ first, after, kind: kind as string | null });
}

/** The sources a query asks about (its kind only, when it names one). */
const sourcesFor = (sources: readonly ExceptionSource[], query: ExceptionQuery) =>
  sources.filter((source) => query.kind === null || source.kind === query.kind);

/** The select of a source with its position columns: openedAt in µs, and the exception's id (`<subgraph>.<exception_id>`, from `$2`). */
const placed = (source: ExceptionSource) =>
  `SELECT s.*, floor(extract(epoch FROM s.opened_at) * 1000000)::int8::text AS opened_us, $2::text || '.' || s.exception_id AS full_id FROM (${source.select}) s`;

/** A source's open exceptions counted: in all, the oldest, and below each aging bound but the last. */
async function sourceStats(db: Queryable, source: ExceptionSource): Promise<{ count: number; oldest: Date | null; below: number[] }> {
  const { rows } = await db.query<{ n: string; oldest: Date | null; b0: string; b1: string; b2: string }>(
    `SELECT count(*)::int8 AS n, min(opened_at) AS oldest,
            count(*) FILTER (WHERE opened_at > now() - interval '1 hour')::int8 AS b0,
            count(*) FILTER (WHERE opened_at <= now() - interval '1 hour' AND opened_at > now() - interval '24 hours')::int8 AS b1,
            count(*) FILTER (WHERE opened_at <= now() - interval '24 hours' AND opened_at > now() - interval '7 days')::int8 AS b2
       FROM (${source.select}) s`,
  );
  const stat = rows[0];
  return {
    count: Number(stat?.n ?? 0),
    oldest: stat?.oldest ? new Date(stat.oldest) : null,
    below: [Number(stat?.b0 ?? 0), Number(stat?.b1 ?? 0), Number(stat?.b2 ?? 0)],
  };
}

/** A source's oldest `first + 1` exceptions after the cursor. */
async function sourcePage(db: Queryable, subgraph: string, source: ExceptionSource, query: ExceptionQuery): Promise<PlacedException[]> {
  const params: unknown[] = [query.first + 1, subgraph];
  let condition = 'TRUE';
  if (query.after) {
    params.push(query.after.micros, query.after.id);
    condition = `(p.opened_us::int8, p.full_id COLLATE "C") > ($3::int8, $4::text COLLATE "C")`;
  }
  const { rows } = await db.query<{ opened_us: string; full_id: string } & Record<string, unknown>>(
    `SELECT * FROM (${placed(source)}) p WHERE ${condition} ORDER BY p.opened_us::int8, p.full_id COLLATE "C" LIMIT $1`,
    params,
  );
  return rows.map((row) => ({ ...source.toException(row), id: row.full_id, kind: source.kind, subgraph, openedMicros: row.opened_us }));
}

/**
 * One subgraph's contribution: exact counts (by kind, by age, the oldest) and its oldest
 * `first + 1` exceptions after the cursor. Each source reads at most `first + 1` rows, so a
 * subgraph returns at most `first + 1` in all (the merge needs no more to fill a page and know
 * whether another follows).
 */
export async function exceptionContribution(
  db: Queryable,
  subgraph: string,
  sources: readonly ExceptionSource[],
  query: ExceptionQuery,
): Promise<ExceptionContribution> {
  const byKind: ExceptionContribution['byKind'] = [];
  const aging = AGING_BUCKETS.map((bucket) => ({ label: bucket.label, count: 0 }));
  let oldest: Date | null = null;
  const items: PlacedException[] = [];
  for (const source of sourcesFor(sources, query)) {
    const stats = await sourceStats(db, source);
    if (stats.count === 0) continue;
    byKind.push({ kind: source.kind, count: stats.count });
    stats.below.forEach((n, i) => (aging[i]!.count += n));
    aging[AGING_BUCKETS.length - 1]!.count += stats.count - stats.below.reduce((a, b) => a + b, 0);
    if (stats.oldest && (!oldest || stats.oldest < oldest)) oldest = stats.oldest;
    items.push(...(await sourcePage(db, subgraph, source, query)));
  }
  const page = sortExceptions(items).slice(0, query.first + 1);
  return {
    totalCount: byKind.reduce((total, entry) => total + entry.count, 0),
    oldestOpenedAt: oldest,
    byKind,
    aging,
    edges: page.map((node) => ({ cursor: exceptionCursor(node), node: present(node) })),
  };
}

/** An exception as the API shows it: openedAt as an ISO instant, its age now, the absent ids null. */
export function present(item: OperationsException): ExceptionView {
  return {
    id: item.id,
    kind: item.kind,
    subgraph: item.subgraph,
    summary: item.summary,
    openedAt: item.openedAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((Date.now() - item.openedAt.getTime()) / 1000)),
    orderId: item.orderId ?? null,
    returnId: item.returnId ?? null,
    refundId: item.refundId ?? null,
    correlationId: item.correlationId ?? null,
    evidence: item.evidence,
    action: item.action,
  };
}

/** Oldest first by (openedAt µs, id in byte order): the order of every side. */
export function sortExceptions<T extends { openedMicros: string; id: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => {
    const byTime = BigInt(a.openedMicros) - BigInt(b.openedMicros);
    if (byTime !== 0n) return byTime < 0n ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
