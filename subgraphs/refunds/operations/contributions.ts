import type { Queryable } from '../../../platform/db';
import type { ResolverMap, SubgraphContext } from '../../../platform/subgraph';
import { countReplays } from '../../../platform/idempotency/idempotency';
import { assertMayContribute } from '../../../platform/events/trace-contribution';
import { flowsOfAggregates, inTimeOrder, MAX_TRACE_HOPS, toHops, writePathHops, type HopRow, type TraceHop } from '../../../platform/events/trace-hops';
import { kpiWindowOf, traceSubjectOf, type TraceSubject } from '../../../contracts/operations';

type Context = SubgraphContext<unknown>;

/**
 * The refunds subgraph's parts of the operations read models (docs/design/011): its idempotent
 * replays and open reconciliation mismatches on `ReturnsKpis`, and its hops on `BusinessTrace` —
 * its write path's, every provider call (refund tender) and every credit memo posting of the flow.
 */
export const refundsOperationsResolvers: ResolverMap = {
  ReturnsKpis: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'returnsKpis');
      const window = kpiWindowOf(reference.id);
      return window ? { id: reference.id, window } : null;
    },
    refundsDuplicateAttemptsAbsorbed: (parent: { window: { from: Date; to: Date } }, _: unknown, ctx: Context) =>
      countReplays(ctx.db, 'refunds', parent.window.from, parent.window.to),
    reconciliationMismatchesOpen: async (_: unknown, __: unknown, ctx: Context) => {
      const { rows } = await ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM refunds.reconciliation_exceptions WHERE status = 'OPEN'`);
      return Number(rows[0]?.n ?? 0);
    },
  },
  BusinessTrace: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'trace');
      const subject = traceSubjectOf(reference.id);
      return subject ? { id: reference.id, subject } : null;
    },
    refundsHops: async (parent: { subject: TraceSubject }, _: unknown, ctx: Context) => inTimeOrder(await refundsHops(ctx.db, parent.subject)),
  },
};

async function refundsHops(db: Queryable, subject: TraceSubject): Promise<TraceHop[]> {
  const flows = subject.correlationId !== undefined ? [subject.correlationId] : await flowsOfReturn(db, subject.returnId);
  if (flows.length === 0) return [];
  const { rows } = await db.query<HopRow>(
    `SELECT * FROM (
       SELECT DISTINCT ON (t.id) t.updated_at AS at, 'PROVIDER_CALL' AS kind, t.provider || '.refunds.create' AS name,
              t.status || ', ' || t.amount_minor || ' minor units, attempt ' || t.attempts || ' of generation ' || t.generation
                || coalesce(', provider id ' || t.provider_refund_id, '') || coalesce(': ' || left(t.last_error, 300), '') AS detail,
              t.refund_id AS aggregate_id, NULL AS event_id, o.correlation_id
         FROM refunds.refund_tenders t
         JOIN refunds.outbox o ON o.aggregate_id = t.refund_id AND o.correlation_id = ANY($1)
        WHERE t.attempts > 0 OR t.status <> 'PENDING'
        ORDER BY t.id, o.occurred_at
     ) calls
     UNION ALL
     SELECT coalesce(m.posted_at, m.queued_at), 'ERP_POSTING', 'erp.creditMemo',
            m.status || coalesce(', ' || m.erp_reference, '') || ', attempts ' || m.attempts || coalesce(': ' || left(m.last_error, 300), ''),
            m.refund_id, m.causation_id, m.correlation_id
       FROM refunds.credit_memos m WHERE m.correlation_id = ANY($1)
     ORDER BY at LIMIT ${MAX_TRACE_HOPS}`,
    [flows],
  );
  return [...toHops('refunds', rows), ...(await writePathHops(db, 'refunds', 'refunds', flows))];
}

/** Flows that touched the return here: events about it handled, and events of its refunds. */
async function flowsOfReturn(db: Queryable, returnId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM refunds.refunds WHERE return_id = $1`, [returnId]);
  return flowsOfAggregates(db, 'refunds', [returnId, ...rows.map((row) => row.id)]);
}
