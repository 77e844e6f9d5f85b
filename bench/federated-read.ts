import { DEMO_ORDER_COUNT, demoOrderNumber } from '../demo/orders';
import type { Principal } from '../platform/auth';

/**
 * The federated read a service-desk screen makes: an order by number with its lines, each line's
 * stock (inventory, through `Line.inventoryItem @requires(sku)`), the order's returns (returns) and
 * refunds (refunds) — four subgraphs, one entity hop each. The same fields as the embedded banner's query.
 */
export const FEDERATED_READ_QUERY = `query FederatedRead($n: String!) { orderByNumber(number: $n) { number channel totals { total { amount currencyCode } }
  lines { sku quantity inventoryItem { availability { location { name } availableToSell } } } returns { id status } refunds { id status } } }`;

/** The single-subgraph read: an order by number with its lines, all answered by the orders subgraph. */
export const ORDER_LINES_QUERY = `query OrderLines($n: String!) { orderByNumber(number: $n) { number channel placedAt totals { total { amount currencyCode } }
  lines { id sku quantity unitPrice { amount currencyCode } finalSale } } }`;

/** The order every "hot" request reads: the oldest demo order, R100001. */
export const HOT_ORDER_NUMBER = demoOrderNumber(0);

/**
 * Who reads: operations may read every demo order (`READ_ORDERS` grants staff `any`), so every
 * request is answered in full and both gateways carry the same principal to the subgraphs.
 */
export const READ_PRINCIPAL: Principal = { subject: 'bench:operations', roles: ['operations_admin'], storeIds: [] };

/** A GraphQL POST body of `query` for order `number`. */
export function readBody(query: string, number: string): string {
  return JSON.stringify({ query, variables: { n: number } });
}

/** Request `i`'s body over every demo order in turn (R100001 … R101000, then again): no two neighbours alike. */
export function variedBody(query: string): (i: number) => string {
  return (i) => readBody(query, demoOrderNumber(i % DEMO_ORDER_COUNT));
}

/** Every request's body is the same one order's: what a gateway's in-flight deduplication or caches could merge. */
export function hotBody(query: string): (i: number) => string {
  const body = readBody(query, HOT_ORDER_NUMBER);
  return () => body;
}
