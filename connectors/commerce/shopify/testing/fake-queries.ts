/**
 * The fake's root query fields. `orders` supports what the connector uses of Shopify's search
 * syntax (`updated_at:>='<time>'`, `updated_at:>`, `<`, `<=`) and sort keys (UPDATED_AT, CREATED_AT,
 * ID; ties broken by id, as Shopify does).
 */
import { connection, type FakeContext, type PageArgs } from './fake-connections';
import type { OrderRecord } from './fake-records';
import type { FakeShopifyStore } from './fake-store';

const FILTER = /^updated_at:(>=|<=|>|<)'?([^'\s]+)'?$/;

/** The orders matching a search query; an unsupported query is an error (not silently "everything"). */
function search(orders: readonly OrderRecord[], query: string | null | undefined): OrderRecord[] {
  if (!query || !query.trim()) return [...orders];
  const match = FILTER.exec(query.trim());
  if (!match) throw new Error(`fake Shopify does not support the search query "${query}"`);
  const [, op, value = ''] = match;
  const bound = new Date(value).getTime();
  if (Number.isNaN(bound)) throw new Error(`invalid date in search query "${query}"`);
  return orders.filter((order) => {
    const at = new Date(order.updatedAt).getTime();
    if (op === '>=') return at >= bound;
    if (op === '>') return at > bound;
    if (op === '<=') return at <= bound;
    return at < bound;
  });
}

/** The numeric part of a gid, for sorting by id. */
function idNumber(record: { id: string }): number {
  return Number(record.id.split('/').pop());
}

function sortKeyOf(sortKey: string | null | undefined): (order: OrderRecord) => (string | number)[] {
  if (sortKey === 'UPDATED_AT') return (order) => [order.updatedAt, idNumber(order)];
  if (sortKey === 'CREATED_AT' || sortKey === 'PROCESSED_AT') return (order) => [order.createdAt, idNumber(order)];
  return (order) => [idNumber(order)];
}

/** A node of `type` by id, or null. */
function typed<T>(store: FakeShopifyStore, id: string, type: string): T | null {
  const node = store.node(id);
  return node && node.__typename === type ? (node as T) : null;
}

/** The root query resolvers over `store`. */
export function queryRoot(store: FakeShopifyStore) {
  return {
    orders: (args: PageArgs & { sortKey?: string; query?: string }, context: FakeContext) => {
      const key = sortKeyOf(args.sortKey);
      const found = search(store.orders, args.query).sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x < y ? -1 : x > y ? 1 : 0;
      });
      return connection(found, args, context, key);
    },
    order: ({ id }: { id: string }) => typed(store, id, 'Order'),
    refund: ({ id }: { id: string }) => typed(store, id, 'Refund'),
    return: ({ id }: { id: string }) => typed(store, id, 'Return'),
    node: ({ id }: { id: string }) => store.node(id),
    locations: (args: PageArgs & { includeInactive?: boolean }, context: FakeContext) =>
      connection(
        store.locations.filter((l) => args.includeInactive || l.isActive),
        args,
        context,
        (l) => [idNumber(l)],
      ),
    productVariants: (args: PageArgs, context: FakeContext) => connection(store.variants, args, context, (v) => [idNumber(v)]),
  };
}
