import type { ResolverMap, SubgraphContext } from '../../../platform/subgraph';
import { countReplays } from '../../../platform/idempotency/idempotency';
import { assertMayContribute } from '../../../platform/events/trace-contribution';
import { flowsOfAggregates, inTimeOrder, writePathHops } from '../../../platform/events/trace-hops';
import { kpiWindowOf, traceSubjectOf, type TraceSubject } from '../../../contracts/operations';

type Context = SubgraphContext<unknown>;

/**
 * The orders subgraph's parts of the operations read models (docs/design/011): its idempotent
 * replays (`recordOrder` retries) on `ReturnsKpis`, and its write path's hops on `BusinessTrace`
 * (orders recorded, events about returns it handled). It holds no state change of a return, so a
 * return's timeline usually has few or no orders hops.
 */
export const ordersOperationsResolvers: ResolverMap = {
  ReturnsKpis: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'returnsKpis');
      const window = kpiWindowOf(reference.id);
      return window ? { id: reference.id, window } : null;
    },
    ordersDuplicateAttemptsAbsorbed: (parent: { window: { from: Date; to: Date } }, _: unknown, ctx: Context) =>
      countReplays(ctx.db, 'orders', parent.window.from, parent.window.to),
  },
  BusinessTrace: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      assertMayContribute(ctx.principal, 'trace');
      const subject = traceSubjectOf(reference.id);
      return subject ? { id: reference.id, subject } : null;
    },
    ordersHops: async (parent: { subject: TraceSubject }, _: unknown, ctx: Context) => {
      const flows =
        parent.subject.correlationId !== undefined ? [parent.subject.correlationId] : await flowsOfAggregates(ctx.db, 'orders', [parent.subject.returnId]);
      return inTimeOrder(await writePathHops(ctx.db, 'orders', 'orders', flows));
    },
  },
};
