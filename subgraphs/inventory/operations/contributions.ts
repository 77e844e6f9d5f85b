import type { Queryable } from '../../../platform/db';
import type { ResolverMap, SubgraphContext } from '../../../platform/subgraph';
import { countReplays } from '../../../platform/idempotency/idempotency';
import { assertMayContribute } from '../../../platform/events/trace-contribution';
import { flowsOfAggregates, inTimeOrder, MAX_TRACE_HOPS, toHops, writePathHops, type HopRow, type TraceHop } from '../../../platform/events/trace-hops';
import { kpiWindowOf, traceSubjectOf, type TraceSubject } from '../../../contracts/operations';
import { STOCK_STATES, type StockState } from '../../../contracts/vocabulary';
import { accuracyPositions, type AccuracyPosition } from '../accuracy';

type Context = SubgraphContext<unknown>;

/** One state's accuracy, every location together (the `StockStateAccuracy` type). */
export interface StockStateAccuracy {
  state: StockState;
  ledgerUnits: number;
  projectedUnits: number;
  accurateUnits: number;
  positions: number;
  mismatchedPositions: number;
  accuracyBasisPoints: number | null;
}

/**
 * Inventory accuracy by stock state, now (docs/design/011): over every (location, SKU) position
 * holding units of the state, the ledger's units where the balance projection agrees with the
 * ledger, against all the ledger's units — in basis points by integer division. Built on the
 * accuracy report's positions (accuracy.ts).
 */
export function accuracyByState(positions: readonly AccuracyPosition[]): StockStateAccuracy[] {
  return STOCK_STATES.map((state) => {
    const held = positions.filter((p) => p.state === state && (p.projected !== 0 || p.ledger !== 0));
    const ledgerUnits = held.reduce((sum, p) => sum + p.ledger, 0);
    const accurateUnits = held.filter((p) => p.projected === p.ledger).reduce((sum, p) => sum + p.ledger, 0);
    return {
      state,
      ledgerUnits,
      projectedUnits: held.reduce((sum, p) => sum + p.projected, 0),
      accurateUnits,
      positions: held.length,
      mismatchedPositions: held.filter((p) => p.projected !== p.ledger).length,
      accuracyBasisPoints: ledgerUnits > 0 ? Math.floor((accurateUnits * 10_000) / ledgerUnits) : null,
    };
  });
}

/** The inventory subgraph's parts of the operations read models: replays and accuracy on `ReturnsKpis`, hops on `BusinessTrace`. */
export const inventoryOperationsResolvers: ResolverMap = {
  ReturnsKpis: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'returnsKpis');
      const window = kpiWindowOf(reference.id);
      return window ? { id: reference.id, window } : null;
    },
    inventoryDuplicateAttemptsAbsorbed: (parent: { window: { from: Date; to: Date } }, _: unknown, ctx: Context) =>
      countReplays(ctx.db, 'inventory', parent.window.from, parent.window.to),
    inventoryAccuracy: async (_: unknown, __: unknown, ctx: Context) => accuracyByState(await accuracyPositions(ctx.db)),
  },
  BusinessTrace: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'trace');
      const subject = traceSubjectOf(reference.id);
      return subject ? { id: reference.id, subject } : null;
    },
    inventoryHops: async (parent: { subject: TraceSubject }, _: unknown, ctx: Context) => inTimeOrder(await inventoryHops(ctx.db, parent.subject)),
  },
};

/** Stock movements and ERP stock postings of the flows, beside the write path's hops. */
async function inventoryHops(db: Queryable, subject: TraceSubject): Promise<TraceHop[]> {
  const flows = subject.correlationId !== undefined ? [subject.correlationId] : await flowsOfAggregates(db, 'inventory', [subject.returnId]);
  if (flows.length === 0) return [];
  const { rows } = await db.query<HopRow>(
    `SELECT occurred_at AS at, 'STATE_CHANGE' AS kind, reason AS name,
            quantity || ' × ' || sku || ' at ' || location_id || ': ' || coalesce(from_state, '∅') || ' → ' || coalesce(to_state, 'out of stock') AS detail,
            sku AS aggregate_id, NULL AS event_id, correlation_id
       FROM inventory.movements WHERE correlation_id = ANY($1)
     UNION ALL
     SELECT coalesce(posted_at, queued_at), 'ERP_POSTING', 'erp.stockMovements',
            status || ', ' || jsonb_array_length(movements) || ' movements, attempts ' || attempts || coalesce(': ' || left(last_error, 300), ''),
            NULL, event_id, correlation_id
       FROM inventory.erp_postings WHERE correlation_id = ANY($1)
     ORDER BY at LIMIT ${MAX_TRACE_HOPS}`,
    [flows],
  );
  return [...toHops('inventory', rows), ...(await writePathHops(db, 'inventory', 'inventory', flows))];
}
