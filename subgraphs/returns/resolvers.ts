import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput, Messages } from '../../platform/graphql/errors';
import { pageRequest, toConnection, type PageArgs } from '../../platform/graphql/connection';
import { isId } from '../../platform/ids';
import type { ReturnsLoaders } from './loaders';
import { listReturns, type ReturnFilter, type ReturnLineRow, type ReturnRow } from './store';

type Context = SubgraphContext<ReturnsLoaders>;

/** Resolvers of the returns subgraph. */
export const returnsResolvers = {
  DateTime: DateTimeScalar,
  Query: {
    return(_: unknown, args: { id: string }, ctx: Context) {
      if (!isId('ret', args.id)) throw badUserInput(Messages.malformedId('return', args.id), 'id');
      return ctx.loaders.returnById.load(args.id);
    },
    async returns(_: unknown, args: PageArgs & ReturnFilter, ctx: Context) {
      const page = pageRequest(args);
      const rows = await listReturns(ctx.db, args, ctx.loaders.scope, page.limit, page.after);
      return toConnection(rows, page.limit, (row) => ({ sort: row.requested_at.toISOString(), id: row.id }), Boolean(page.after));
    },
  },
  Return: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      return isId('ret', reference.id) ? ctx.loaders.returnById.load(reference.id) : null;
    },
    financialStatus: (row: ReturnRow) => row.financial_status,
    storeId: (row: ReturnRow) => row.store_id,
    order: (row: ReturnRow) => ({ __typename: 'Order', id: row.order_id }),
    lines: (row: ReturnRow, _: unknown, ctx: Context) => ctx.loaders.linesByReturnId.load(row.id),
    requestedAt: (row: ReturnRow) => row.requested_at,
    updatedAt: (row: ReturnRow) => row.updated_at,
  },
  ReturnLine: {
    orderLine: (row: ReturnLineRow) => ({ __typename: 'OrderLine', id: row.order_line_id }),
    customerNote: (row: ReturnLineRow) => row.customer_note,
  },
  Order: {
    returns(order: { id: string }, _: unknown, ctx: Context) {
      return isId('ord', order.id) ? ctx.loaders.returnsByOrderId.load(order.id) : [];
    },
  },
};
