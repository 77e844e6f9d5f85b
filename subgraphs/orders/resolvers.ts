import { DateTimeScalar } from '../../platform/graphql/scalars';
import { Messages, badUserInput } from '../../platform/graphql/errors';
import { pageRequest, toConnection, type Connection } from '../../platform/graphql/connection';
import { isId } from '../../platform/ids';
import { money } from '../../platform/money';
import type { SubgraphContext } from '../../platform/subgraph';
import type { Channel } from '../../contracts/vocabulary';
import type { OrderFilter, OrderLineRecord, OrderRecord, PaymentRecord } from './domain/order-records';
import type { OrdersLoaders } from './loaders';
import { canSee, scopedFilter } from './tenancy';
import { recordOrderOnce, type StoredRecordOrderPayload } from './record-order-once';
import type { RecordOrderInput } from './domain/record-order-input';
import { decodeOrderCursor, orderCursor } from './cursor';
import type { CurrencyCode, Resolvers } from './generated/graphql';

type Context = SubgraphContext<OrdersLoaders>;

/** Arguments of `Query.orders`. */
interface OrdersArgs {
  first?: number | null;
  after?: string | null;
  customerId?: string | null;
  channel?: Channel | null;
  storeId?: string | null;
  placedAfter?: Date | null;
  placedBefore?: Date | null;
}

/** A connection page plus what `totalCount` needs to count lazily. */
export type OrderConnection = Connection<OrderRecord> & { filter: OrderFilter | null };

function orderId(id: string): string {
  if (!isId('ord', id)) throw badUserInput(Messages.malformedId('order', id), 'id');
  return id;
}

/** Order numbers are read aloud and typed at counters: ignore case and surrounding spaces. */
function normaliseNumber(number: string): string {
  return number.trim().toUpperCase();
}

/** The resolvers of the orders subgraph. */
export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,

  Query: {
    // Tenancy is applied inside the loaders (orderScope, from the same table's `order` row).
    order: (_: unknown, args: { id: string }, ctx: Context) => ctx.loaders.order.load(orderId(args.id)),

    orderByNumber: async (_: unknown, args: { number: string }, ctx: Context) => {
      const found = await ctx.loaders.store.findOrderByNumber(normaliseNumber(args.number));
      // Checked before priming: a primed loader entry is served without the loader's tenancy filter.
      if (!found || !canSee(ctx.loaders.scope, found)) return null;
      ctx.loaders.order.prime(found.id, found);
      return found;
    },

    orders: async (_: unknown, args: OrdersArgs, ctx: Context): Promise<OrderConnection> => {
      const { limit, after } = pageRequest(args);
      const position = after ? decodeOrderCursor(after) : undefined;
      const filter = scopedFilter(ctx.loaders.scope, {
        customerId: args.customerId ?? undefined,
        channel: args.channel ?? undefined,
        storeId: args.storeId ?? undefined,
        placedAfter: args.placedAfter ?? undefined,
        placedBefore: args.placedBefore ?? undefined,
      });
      const rows = filter ? await ctx.loaders.store.listOrders(filter, { limit: limit + 1, after: position }) : [];
      for (const row of rows) ctx.loaders.order.prime(row.id, row);
      return { ...toConnection(rows, limit, orderCursor, Boolean(after)), filter };
    },
  },

  Mutation: {
    recordOrder: (_: unknown, args: { input: RecordOrderInput; idempotencyKey: string }, ctx: Context) =>
      recordOrderOnce(ctx as SubgraphContext<unknown>, args.input, args.idempotencyKey),
  },

  RecordOrderPayload: {
    order: (payload: StoredRecordOrderPayload, _: unknown, ctx: Context) => (payload.orderId ? ctx.loaders.order.load(payload.orderId) : null),
  },

  OrderConnection: {
    nodes: (connection: OrderConnection) => connection.edges.map((edge) => edge.node),
    totalCount: (connection: OrderConnection, _: unknown, ctx: Context) => (connection.filter ? ctx.loaders.store.countOrders(connection.filter) : 0),
  },

  Order: {
    __resolveReference: (reference: { id: string }, ctx: Context) => (isId('ord', reference.id) ? ctx.loaders.order.load(reference.id) : null),
    customer: (order: OrderRecord) => ({ id: order.customerId, email: order.customerEmail, name: order.customerName }),
    // The record keeps the code as text; it was checked against CurrencyCode when the order was recorded.
    currencyCode: (order: OrderRecord) => order.currency as CurrencyCode,
    lines: (order: OrderRecord, _: unknown, ctx: Context) => ctx.loaders.linesByOrder.load(order.id),
    payments: (order: OrderRecord, _: unknown, ctx: Context) => ctx.loaders.paymentsByOrder.load(order.id),
    shipping: (order: OrderRecord) =>
      order.shippingMethod === null
        ? null
        : { method: order.shippingMethod, amount: money(order.shippingMinor, order.currency), tax: money(order.shippingTaxMinor, order.currency) },
    totals: (order: OrderRecord) => ({
      subtotal: money(order.subtotalMinor, order.currency),
      discountTotal: money(order.discountTotalMinor, order.currency),
      taxTotal: money(order.taxTotalMinor, order.currency),
      shippingTotal: money(order.shippingMinor, order.currency),
      total: money(order.totalMinor, order.currency),
      capturedTotal: money(order.capturedTotalMinor, order.currency),
    }),
  },

  OrderLine: {
    __resolveReference: (reference: { id: string }, ctx: Context) => (isId('oli', reference.id) ? ctx.loaders.line.load(reference.id) : null),
    // A line's order exists (foreign key) and is visible wherever the line is (same tenancy).
    order: (line: OrderLineRecord, _: unknown, ctx: Context) => ctx.loaders.order.load(line.orderId) as Promise<OrderRecord>,
    unitPrice: (line: OrderLineRecord) => money(line.unitPriceMinor, line.currency),
    allocatedDiscount: (line: OrderLineRecord) => money(line.discountMinor, line.currency),
    tax: (line: OrderLineRecord) => money(line.taxMinor, line.currency),
    total: (line: OrderLineRecord) => money(line.totalMinor, line.currency),
  },

  Payment: {
    capturedAmount: (payment: PaymentRecord) => money(payment.capturedMinor, payment.currency),
  },
};
