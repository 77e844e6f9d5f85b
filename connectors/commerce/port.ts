import type { NewOrder } from '../../contracts/orders';

/**
 * The commerce port: how orders get from a commerce platform into the graph. The orders subgraph
 * owns orders (its store is the only place they are kept); a commerce platform is an adapter on
 * this side of the port that reads the platform's orders and yields them in the graph's order
 * model (`contracts/orders.ts`), which the orders subgraph records exactly as it records a
 * `recordOrder` call (upsert by source and external id, idempotent by a key the caller derives
 * from the platform's own order id and update time).
 *
 * No adapter exists yet: orders arrive through the `recordOrder` mutation (webhooks, imports and
 * the demo data). The Shopify adapter is issue 12; it implements this interface.
 */
export interface CommerceOrderFeed {
  /** The platform's name, e.g. `shopify`; every order it yields carries it as `source`. */
  readonly source: string;
  /**
   * Orders created or changed after `cursor` (null: from the platform's beginning), oldest change
   * first, at most `limit`, each whole and normalised; and the cursor to continue from (null when
   * nothing was read). A platform that reports an order twice yields it twice: recording is an
   * upsert, so a repeat changes nothing.
   */
  changedOrders(cursor: string | null, limit: number): Promise<{ orders: NewOrder[]; cursor: string | null }>;
}
