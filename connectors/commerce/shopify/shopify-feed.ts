/**
 * The `CommerceFeed` over the Admin API: orders changed since a cursor (oldest change first),
 * locations and product variants, in pages. For a first import of a large store use
 * `bulkOrders` (`shopify-bulk.ts`) instead: one bulk export costs a handful of points where
 * paging costs about 300 per three orders.
 */
import type { NewOrder } from '../../../contracts/orders';
import type { CommerceFeed, CommerceLocation, CommercePage, CommerceProduct } from '../port';
import type { ShopifyClient } from './shopify-client';
import { UnmappableShopifyOrderError } from './shopify-errors';
import { DEFAULT_LOCATION_PREFIX, gidNumber, locationIdOf } from './shopify-ids';
import { categoryOf, mapShopifyOrder, SHOPIFY_SOURCE } from './shopify-order-mapping';
import {
  CATALOG_PER_REQUEST,
  CHANGED_ORDERS_QUERY,
  LOCATIONS_QUERY,
  MORE_LINE_ITEMS_QUERY,
  ORDERS_PER_REQUEST,
  PRODUCT_VARIANTS_QUERY,
} from './shopify-queries';
import type { ShopifyLineItem, ShopifyLocation, ShopifyOrder, ShopifyPageInfo, ShopifyVariant } from './shopify-types';

/** Marks a cursor of this feed (and its version), so a cursor of another adapter is refused, not misread. */
const CURSOR_TAG = 'shp1.';

/**
 * Where the order feed stands: the search it runs (`updated_at:>=` a time, fixed for the cursor's
 * life so Shopify's page cursors stay valid) and Shopify's cursor of the last order read. Orders
 * are sorted by `updated_at`, so an order changed after it was read sorts after that cursor and
 * is read again: nothing is skipped, and re-reading an unchanged order is harmless (upsert).
 */
interface OrderCursor {
  since: string | null;
  after: string | null;
}

function encodeCursor(cursor: OrderCursor): string {
  return CURSOR_TAG + Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string | null): OrderCursor {
  if (cursor === null) return { since: null, after: null };
  if (!cursor.startsWith(CURSOR_TAG)) throw new RangeError(`"${cursor.slice(0, 40)}" is not a Shopify order feed cursor`);
  try {
    const parsed = JSON.parse(Buffer.from(cursor.slice(CURSOR_TAG.length), 'base64url').toString('utf8')) as Partial<OrderCursor>;
    const since = typeof parsed.since === 'string' ? parsed.since : null;
    const after = typeof parsed.after === 'string' ? parsed.after : null;
    return { since, after };
  } catch {
    throw new RangeError(`"${cursor.slice(0, 40)}" is not a Shopify order feed cursor`);
  }
}

/** A cursor that starts the order feed at orders changed at or after `since` (catch-up after an outage, or a first import limited in time). */
export function orderCursorSince(since: Date): string {
  return encodeCursor({ since: since.toISOString(), after: null });
}

/** Options of `ShopifyFeed`. */
export interface ShopifyFeedOptions {
  /** Prefix of the graph's Shopify location ids. Default `loc_shp_`. */
  locationPrefix?: string;
  /**
   * Locations the graph treats as warehouses, by Shopify id (numeric or gid). Shopify has no such
   * flag: a fulfillment-service location (a 3PL) is always a warehouse, any other a store unless
   * listed here. Default none.
   */
  warehouseLocations?: readonly string[];
}

interface OrdersPage {
  orders: { edges: { cursor: string; node: ShopifyOrder }[]; pageInfo: ShopifyPageInfo };
}

/** Reads a store's orders, locations and products. */
export class ShopifyFeed implements CommerceFeed {
  readonly source = SHOPIFY_SOURCE;
  /** Product variants skipped so far because they have no SKU (the graph keys items by SKU). */
  variantsWithoutSku = 0;
  private readonly locationPrefix: string;
  private readonly warehouses: ReadonlySet<string>;

  constructor(
    private readonly client: ShopifyClient,
    options: ShopifyFeedOptions = {},
  ) {
    this.locationPrefix = options.locationPrefix ?? DEFAULT_LOCATION_PREFIX;
    this.warehouses = new Set((options.warehouseLocations ?? []).map((id) => gidNumber(id, 'Location') ?? id));
  }

  /**
   * Orders changed after `cursor`, oldest change first, at most `limit`, read `ORDERS_PER_REQUEST`
   * at a time. An order the graph cannot hold throws `UnmappableShopifyOrderError` carrying the
   * cursor just past it, so the caller decides to park it and go on.
   */
  async changedOrders(cursor: string | null, limit: number): Promise<CommercePage<NewOrder>> {
    const state = decodeCursor(cursor);
    const items: NewOrder[] = [];
    let after = state.after;
    let hasMore = true;
    while (items.length < limit && hasMore) {
      const first = Math.min(ORDERS_PER_REQUEST, limit - items.length);
      const query = state.since ? `updated_at:>='${state.since}'` : null;
      const { orders } = await this.client.request<OrdersPage>(CHANGED_ORDERS_QUERY, { first, after, query });
      for (const edge of orders.edges) {
        items.push(await this.mapped(edge.node, encodeCursor({ since: state.since, after: edge.cursor })));
        after = edge.cursor;
      }
      hasMore = orders.pageInfo.hasNextPage;
      if (orders.edges.length === 0) break;
    }
    return { items, cursor: after === state.after ? cursor : encodeCursor({ since: state.since, after }), hasMore };
  }

  /** One order read in full (all its lines) and mapped. */
  async mapOrder(order: ShopifyOrder): Promise<NewOrder> {
    return mapShopifyOrder(await completeLineItems(this.client, order), { locationPrefix: this.locationPrefix });
  }

  private async mapped(order: ShopifyOrder, cursorPast: string): Promise<NewOrder> {
    try {
      return await this.mapOrder(order);
    } catch (error) {
      if (error instanceof UnmappableShopifyOrderError) throw error.withCursor(cursorPast);
      throw error;
    }
  }

  /** Every location, active or not (an inactive one still holds returned stock). */
  async locations(cursor: string | null, limit: number): Promise<CommercePage<CommerceLocation>> {
    const { locations } = await this.client.request<{ locations: { nodes: ShopifyLocation[]; pageInfo: ShopifyPageInfo } }>(LOCATIONS_QUERY, {
      first: Math.max(1, Math.min(limit, CATALOG_PER_REQUEST)),
      after: cursor,
    });
    return {
      items: locations.nodes.map((location) => ({
        externalId: location.id,
        locationId: locationIdOf(location.id, this.locationPrefix),
        name: location.name,
        kind: location.isFulfillmentService || this.warehouses.has(gidNumber(location.id, 'Location') ?? '') ? 'WAREHOUSE' : 'STORE',
        city: location.address?.city ?? null,
      })),
      cursor: locations.pageInfo.endCursor ?? cursor,
      hasMore: locations.pageInfo.hasNextPage,
    };
  }

  /** Product variants with a SKU; those without are counted in `variantsWithoutSku` and left out. */
  async products(cursor: string | null, limit: number): Promise<CommercePage<CommerceProduct>> {
    const { productVariants } = await this.client.request<{ productVariants: { nodes: ShopifyVariant[]; pageInfo: ShopifyPageInfo } }>(PRODUCT_VARIANTS_QUERY, {
      first: Math.max(1, Math.min(limit, CATALOG_PER_REQUEST)),
      after: cursor,
    });
    const items: CommerceProduct[] = [];
    for (const variant of productVariants.nodes) {
      const sku = variant.sku?.trim();
      if (!sku) {
        this.variantsWithoutSku += 1;
        continue;
      }
      items.push({ sku, title: variant.displayName || variant.product.title, category: categoryOf(variant.product.productType), externalId: variant.id });
    }
    return { items, cursor: productVariants.pageInfo.endCursor ?? cursor, hasMore: productVariants.pageInfo.hasNextPage };
  }
}

interface MoreLines {
  order: { lineItems: { nodes: ShopifyLineItem[]; pageInfo: ShopifyPageInfo } } | null;
}

/** The order with every line: an order read with its first page of lines gets the rest page by page. */
export async function completeLineItems(client: ShopifyClient, order: ShopifyOrder): Promise<ShopifyOrder> {
  let pageInfo = order.lineItems.pageInfo;
  if (!pageInfo?.hasNextPage) return order;
  const nodes: ShopifyLineItem[] = [...order.lineItems.nodes];
  while (pageInfo?.hasNextPage) {
    const data: MoreLines = await client.request<MoreLines>(MORE_LINE_ITEMS_QUERY, {
      id: order.id,
      after: pageInfo.endCursor,
    });
    if (!data.order) break;
    nodes.push(...data.order.lineItems.nodes);
    pageInfo = data.order.lineItems.pageInfo;
  }
  return { ...order, lineItems: { nodes } };
}
