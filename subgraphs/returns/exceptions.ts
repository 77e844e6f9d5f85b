/**
 * The exceptions queue's root in the returns subgraph: `exceptions(first, after, kind)` answers an
 * `ExceptionConnection` entity whose id encodes the arguments; the orders, inventory and refunds
 * subgraphs each contribute their part by reference (`<subgraph>Exceptions`, platform/operations),
 * and the fields below merge them with returns' own part (`@requires` in schema.graphql). Returns'
 * own exceptions: returns stuck past the policy age (`RETURN_STUCK`), beside its dead letters.
 */
import { assertMayPerform, type Principal } from '../../platform/auth';
import type { Queryable } from '../../platform/db';
import {
  decodeExceptionQueryId,
  exceptionContribution,
  exceptionQuery,
  exceptionQueryId,
  type ExceptionContribution,
  type ExceptionQuery,
  type ExceptionSource,
} from '../../platform/operations/exceptions';
import { exceptionBacklog, mergeExceptionPage } from '../../platform/operations/exceptions-merge';
import { deadLetterSource } from '../../platform/operations/exceptions-schema';
import { DEFAULT_STUCK_AFTER_HOURS } from './settings';

/** Statuses a return ends in: never stuck. */
const CLOSED = `('COMPLETED', 'DECLINED', 'CANCELED')`;

/**
 * Returns not closed whose last change is older than `stuckAfterHours`. Opened when they became
 * stuck (last change + the policy age), so the queue's age is how long it has been overdue.
 * `REVIEW_RETURN` has no mutation of its own: a person reads `returnTimeline` and moves the
 * return on by its lifecycle mutations (receive, inspect, cancel), which takes it off the queue.
 */
export function stuckReturnSource(stuckAfterHours: number): ExceptionSource {
  const hours = Number(stuckAfterHours);
  return {
    kind: 'RETURN_STUCK',
    select: `SELECT 'return-stuck.' || r.id AS exception_id, r.updated_at + make_interval(hours => ${hours}) AS opened_at,
                    r.id, r.order_id, r.number, r.status, r.channel, r.store_id, r.updated_at,
                    (SELECT o.correlation_id FROM returns.outbox o WHERE o.aggregate_id = r.id ORDER BY o.seq LIMIT 1) AS correlation_id
               FROM returns.returns r
              WHERE r.status NOT IN ${CLOSED} AND r.updated_at < now() - make_interval(hours => ${hours})`,
    toException: (row: {
      opened_at: Date;
      id: string;
      order_id: string;
      number: string | null;
      status: string;
      channel: string;
      store_id: string | null;
      updated_at: Date;
      correlation_id: string | null;
    }) => ({
      summary: `Return ${row.number ?? row.id} has been ${row.status} since ${new Date(row.updated_at).toISOString()}`,
      openedAt: new Date(row.opened_at),
      orderId: row.order_id,
      returnId: row.id,
      correlationId: row.correlation_id,
      evidence: [
        { label: 'Status', value: row.status },
        { label: 'Last change', value: new Date(row.updated_at).toISOString() },
        { label: 'Policy', value: `stuck after ${hours} h without a change` },
        { label: 'Channel', value: row.store_id ? `${row.channel} at ${row.store_id}` : row.channel },
      ],
      action: { kind: 'REVIEW_RETURN', label: 'Review', mutation: 'returnTimeline', targetId: row.id },
    }),
  };
}

interface Context {
  db: Queryable;
  principal: Principal;
}

/** The page as the merge fields receive it: its id and, required from the other subgraphs, their contributions. */
interface ExceptionPageParent {
  id: string;
  ordersExceptions?: ExceptionContribution | null;
  inventoryExceptions?: ExceptionContribution | null;
  refundsExceptions?: ExceptionContribution | null;
}

/** The KPIs entity with the other subgraphs' exception counts its `exceptionBacklog` requires. */
interface KpisCountsParent {
  ordersExceptionCounts?: ExceptionContribution | null;
  inventoryExceptionCounts?: ExceptionContribution | null;
  refundsExceptionCounts?: ExceptionContribution | null;
}

/** Read once per page object however many merged fields a query selects (the same parent reaches each field). */
const readPages = new WeakMap<ExceptionPageParent, Promise<{ query: ExceptionQuery; parts: (ExceptionContribution | null | undefined)[] }>>();

/** Every subgraph's contribution to the page, returns' own read here. */
function contributions(page: ExceptionPageParent, ctx: Context, sources: readonly ExceptionSource[]) {
  let read = readPages.get(page);
  if (!read) {
    read = (async () => {
      const query = decodeExceptionQueryId(page.id);
      const own = await exceptionContribution(ctx.db, 'returns', sources, query);
      return { query, parts: [own, page.ordersExceptions, page.inventoryExceptions, page.refundsExceptions] };
    })();
    readPages.set(page, read);
  }
  return read;
}

/** Resolvers of the queue's root field and merged fields (the platform adds `returnsExceptions` and the reference resolver). */
export function returnsExceptionResolvers(stuckAfterHours = DEFAULT_STUCK_AFTER_HOURS) {
  // Returns' own sources; the platform's `returnsExceptions` field reads the same ones (index.ts).
  const sources = [deadLetterSource('returns', 'returns'), stuckReturnSource(stuckAfterHours)];
  return {
    sources: sources.slice(1),
    resolvers: {
      Query: {
        exceptions(_: unknown, args: { first?: number | null; after?: string | null; kind?: string | null }, ctx: Context) {
          assertMayPerform(ctx.principal, 'exceptions');
          return { id: exceptionQueryId(exceptionQuery(args)) };
        },
      },
      ExceptionConnection: {
        async edges(page: ExceptionPageParent, _: unknown, ctx: Context) {
          const { query, parts } = await contributions(page, ctx, sources);
          return mergeExceptionPage(parts, query).edges;
        },
        async pageInfo(page: ExceptionPageParent, _: unknown, ctx: Context) {
          const { query, parts } = await contributions(page, ctx, sources);
          return mergeExceptionPage(parts, query).pageInfo;
        },
        async totalCount(page: ExceptionPageParent, _: unknown, ctx: Context) {
          const { query, parts } = await contributions(page, ctx, sources);
          return mergeExceptionPage(parts, query).totalCount;
        },
        async backlog(page: ExceptionPageParent, _: unknown, ctx: Context) {
          const { parts } = await contributions(page, ctx, sources);
          return exceptionBacklog(parts);
        },
      },
      ReturnsKpis: {
        /** The KPIs' backlog: every subgraph's open exceptions now (counts only), the same figures as the queue's backlog. */
        async exceptionBacklog(kpis: KpisCountsParent, _: unknown, ctx: Context) {
          const own = await exceptionContribution(ctx.db, 'returns', sources, exceptionQuery({ first: 0 }));
          return exceptionBacklog([own, kpis.ordersExceptionCounts, kpis.inventoryExceptionCounts, kpis.refundsExceptionCounts]);
        },
      },
    },
  };
}
