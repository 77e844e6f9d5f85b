import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput, Messages } from '../../platform/graphql/errors';
import { isId } from '../../platform/ids';
import { money } from '../../platform/money';
import type { RefundsLoaders } from './loaders';
import type { RefundRow } from './store';

type Context = SubgraphContext<RefundsLoaders>;

/** Resolvers of the refunds subgraph. */
export const refundsResolvers = {
  DateTime: DateTimeScalar,
  Query: {
    refund(_: unknown, args: { id: string }, ctx: Context) {
      if (!isId('rfd', args.id)) throw badUserInput(Messages.malformedId('refund', args.id), 'id');
      return ctx.loaders.refundById.load(args.id);
    },
  },
  Refund: {
    __resolveReference: (reference: { id: string }, ctx: Context) => (isId('rfd', reference.id) ? ctx.loaders.refundById.load(reference.id) : null),
    amount: (row: RefundRow) => money(row.amount_minor, row.currency),
    order: (row: RefundRow) => ({ __typename: 'Order', id: row.order_id }),
    return: (row: RefundRow) => (row.return_id ? { __typename: 'Return', id: row.return_id } : null),
    creditMemo(row: RefundRow) {
      if (row.memo_status === null) return null;
      return {
        status: row.memo_status,
        amount: money(row.memo_amount_minor ?? 0, row.currency),
        tax: money(row.memo_tax_minor ?? 0, row.currency),
        erpReference: row.memo_erp_reference,
        queuedAt: row.memo_queued_at,
        postedAt: row.memo_posted_at,
      };
    },
    createdAt: (row: RefundRow) => row.created_at,
    updatedAt: (row: RefundRow) => row.updated_at,
  },
  Order: {
    refunds: (order: { id: string }, _: unknown, ctx: Context) => (isId('ord', order.id) ? ctx.loaders.refundsByOrderId.load(order.id) : []),
  },
  Return: {
    refunds: (ret: { id: string }, _: unknown, ctx: Context) => (isId('ret', ret.id) ? ctx.loaders.refundsByReturnId.load(ret.id) : []),
  },
};
