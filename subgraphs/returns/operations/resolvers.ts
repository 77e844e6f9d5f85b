import type { ResolverMap, SubgraphContext } from '../../../platform/subgraph';
import { badUserInput, forbidden, Messages } from '../../../platform/graphql/errors';
import { mayPerform, type Operation } from '../../../platform/auth';
import { isId } from '../../../platform/ids';
import { countReplays } from '../../../platform/idempotency/idempotency';
import { inTimeOrder, type TraceHop } from '../../../platform/events/trace-hops';
import {
  CORRELATION_ID_PATTERN,
  kpisId,
  kpiWindowOf,
  traceId,
  traceSubjectOf,
  windowProblem,
  type KpiGroupBy,
  type KpiWindow,
  type TraceSubject,
} from '../../../contracts/operations';
import { kpiGroups } from './kpis';
import { returnsHops } from './trace';

type Context = SubgraphContext<unknown>;

/** The entity as the gateway hands it back: its id, and the other subgraphs' contributions `@requires` asked for. */
interface KpisParent {
  id: string;
  ordersDuplicateAttemptsAbsorbed?: number;
  inventoryDuplicateAttemptsAbsorbed?: number;
  refundsDuplicateAttemptsAbsorbed?: number;
}
interface TraceParent {
  id: string;
  ordersHops?: TraceHop[];
  inventoryHops?: TraceHop[];
  refundsHops?: TraceHop[];
}

/** The window of a parent; an id that decodes to none is no entity of ours (never reached: references are checked first). */
function windowOf(parent: KpisParent): KpiWindow {
  const window = kpiWindowOf(parent.id);
  if (!window) throw badUserInput('Not a ReturnsKpis id.');
  return window;
}
function subjectOf(parent: TraceParent): TraceSubject {
  const subject = traceSubjectOf(parent.id);
  if (!subject) throw badUserInput('Not a BusinessTrace id.');
  return subject;
}

/** Entities are reached by `_entities` too, which no root guard covers: the same row of the capability table. */
function assertMay(ctx: Context, operation: Operation): void {
  if (!mayPerform(ctx.principal, operation)) throw forbidden();
}

/** A returned hop's `at` may be a Date (ours) or an ISO string (another subgraph's, through `@requires`). */
const asHop = (hop: TraceHop): TraceHop => ({ ...hop, at: new Date(hop.at) });

/**
 * `returnsKpis`, `trace` and `returnTimeline` (docs/design/011): the root fields, and the merged
 * fields of the `ReturnsKpis` and `BusinessTrace` entities the other subgraphs contribute to.
 */
export const operationsResolvers: ResolverMap = {
  Query: {
    returnsKpis(_: unknown, args: { from: Date; to: Date; groupBy?: KpiGroupBy | null }) {
      const window = { from: args.from, to: args.to, groupBy: args.groupBy ?? null };
      const problem = windowProblem(window);
      if (problem) throw badUserInput(problem, 'to');
      return { id: kpisId(window) };
    },
    trace(_: unknown, args: { correlationId: string }) {
      if (!CORRELATION_ID_PATTERN.test(args.correlationId)) {
        throw badUserInput('A correlation id is 1-128 characters of letters, digits, ".", "_", ":" and "-".', 'correlationId');
      }
      return { id: traceId({ correlationId: args.correlationId }) };
    },
    returnTimeline(_: unknown, args: { returnId: string }) {
      if (!isId('ret', args.returnId)) throw badUserInput(Messages.malformedId('return', args.returnId), 'returnId');
      return { id: traceId({ returnId: args.returnId }) };
    },
  },
  ReturnsKpis: {
    __resolveReference(reference: KpisParent, ctx: Context) {
      assertMay(ctx, 'returnsKpis');
      return kpiWindowOf(reference.id) ? reference : null;
    },
    from: (parent: KpisParent) => windowOf(parent).from,
    to: (parent: KpisParent) => windowOf(parent).to,
    groupBy: (parent: KpisParent) => windowOf(parent).groupBy,
    totals: async (parent: KpisParent, _: unknown, ctx: Context) => (await kpiGroups(ctx.db, windowOf(parent), null))[0],
    groups: (parent: KpisParent, _: unknown, ctx: Context) => {
      const window = windowOf(parent);
      return window.groupBy ? kpiGroups(ctx.db, window, window.groupBy) : [];
    },
    returnsDuplicateAttemptsAbsorbed: (parent: KpisParent, _: unknown, ctx: Context) => {
      const window = windowOf(parent);
      return countReplays(ctx.db, 'returns', window.from, window.to);
    },
    duplicateAttemptsAbsorbed: async (parent: KpisParent, _: unknown, ctx: Context) => {
      const window = windowOf(parent);
      const own = await countReplays(ctx.db, 'returns', window.from, window.to);
      return (
        own + (parent.ordersDuplicateAttemptsAbsorbed ?? 0) + (parent.inventoryDuplicateAttemptsAbsorbed ?? 0) + (parent.refundsDuplicateAttemptsAbsorbed ?? 0)
      );
    },
  },
  BusinessTrace: {
    __resolveReference(reference: TraceParent, ctx: Context) {
      assertMay(ctx, 'trace');
      return traceSubjectOf(reference.id) ? reference : null;
    },
    correlationId: (parent: TraceParent) => subjectOf(parent).correlationId ?? null,
    returnId: (parent: TraceParent) => subjectOf(parent).returnId ?? null,
    returnsHops: async (parent: TraceParent, _: unknown, ctx: Context) => inTimeOrder(await returnsHops(ctx.db, subjectOf(parent))),
    hops: async (parent: TraceParent, _: unknown, ctx: Context) => {
      const own = await returnsHops(ctx.db, subjectOf(parent));
      const others = [...(parent.ordersHops ?? []), ...(parent.inventoryHops ?? []), ...(parent.refundsHops ?? [])].map(asHop);
      return inTimeOrder([...own, ...others]);
    },
  },
};
