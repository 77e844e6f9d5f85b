import type { IncomingHttpHeaders } from 'node:http';
import type { NewOrder } from '../../contracts/orders';

/**
 * The commerce port: how a commerce platform (Shopify, the reference shop) and the graph meet.
 * Three parts, each implemented by every commerce adapter and exercised by one shared contract
 * suite (`testing/commerce.contract.ts`):
 *
 * - `CommerceFeed`: the platform's orders, locations and products, read in pages from a cursor
 *   (backfill and catch-up). Orders come normalised to the graph's order model
 *   (`contracts/orders.ts`); the orders subgraph records them as it records a `recordOrder` call
 *   (upsert by source and external id), so a repeat changes nothing.
 * - `CommerceWebhooks`: the platform's pushed changes. `verify` authenticates a delivery from its
 *   raw body and headers (nothing is stored before it passes); `interpret` turns a stored
 *   delivery into a change the orders subgraph applies through its write path.
 * - `CommerceReturnsMirror`: returns the graph authorizes, inspects, closes or cancels for the
 *   platform's orders, shown on the platform (its admin lists them). The graph is the book of
 *   record for returns and money: a mirror never moves money.
 *
 * The orders subgraph owns orders; no adapter serves reads of them.
 */

/** One page read from a platform: the items after the cursor, and where to continue. */
export interface CommercePage<T> {
  items: T[];
  /** Where the next page starts; the cursor given when nothing was read. Opaque; save it to resume. */
  cursor: string | null;
  /** False when the platform has nothing after `cursor` (for now). */
  hasMore: boolean;
}

/** A stock-holding location of the platform, as inventory registers it. */
export interface CommerceLocation {
  /** The platform's id, e.g. `gid://shopify/Location/123`. */
  externalId: string;
  /** The graph's location id the adapter derives from it, `loc_...` (e.g. `loc_shp_123`); stable across runs. */
  locationId: string;
  name: string;
  kind: 'STORE' | 'WAREHOUSE';
  city: string | null;
}

/** A sellable item (a product variant) of the platform. */
export interface CommerceProduct {
  sku: string;
  title: string;
  /** The category return policy is keyed by (Shopify: the product type, lower case; `general` when blank). */
  category: string;
  /** The platform's id of the variant. */
  externalId: string;
}

/** Reads the platform's orders, locations and products in pages. */
export interface CommerceFeed {
  /** The platform's name, e.g. `shopify`; every order it yields carries it as `source`. */
  readonly source: string;
  /**
   * Orders created or changed after `cursor` (null: from the platform's beginning), oldest change
   * first, at most `limit`. A platform that reports an order twice yields it twice.
   */
  changedOrders(cursor: string | null, limit: number): Promise<CommercePage<NewOrder>>;
  locations(cursor: string | null, limit: number): Promise<CommercePage<CommerceLocation>>;
  products(cursor: string | null, limit: number): Promise<CommercePage<CommerceProduct>>;
}

/** A webhook delivery that passed verification. */
export interface CommerceDelivery {
  /** The platform's id of this delivery's event; the same on every retry of it (Shopify: `X-Shopify-Event-Id`). */
  deliveryId: string;
  /** e.g. `orders/create`, `orders/updated`, `orders/cancelled`, `refunds/create`, `returns/close`. */
  topic: string;
  /** When the platform says the change happened, when it says so. */
  occurredAt: Date | null;
}

/** Why a delivery is refused: answered 401 (signature) or 400 (shape), and nothing is stored. */
export class InvalidCommerceWebhookError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 401 = 401,
  ) {
    super(message);
    this.name = 'InvalidCommerceWebhookError';
  }
}

/** A money movement the platform made itself (e.g. a refund issued in Shopify's admin). */
export interface CommerceRefund {
  /** The platform's refund id. */
  externalId: string;
  /** The order's external id. */
  orderExternalId: string;
  /** Per payment refunded: which capture (provider and its reference, as on the order) and how much. */
  transactions: { provider: string; providerReference: string; amountMinor: number }[];
  refundedAt: Date;
}

/**
 * What a stored delivery means for the graph.
 * - `order`: the order as it is now (create, update and cancel all carry the whole order;
 *   `updatedAt` orders deliveries that arrive out of order: an older one never overwrites a newer).
 * - `refund`: money the platform moved itself, so the graph never pays it a second time.
 * - `return`: the platform's own return changed (e.g. a merchant closed it in the admin); the
 *   graph records it beside the mirrored return and changes no return of its own.
 * - `ignored`: a topic the graph does not use; stored and marked, never retried.
 */
export type CommerceChange =
  | { kind: 'order'; order: NewOrder; updatedAt: Date }
  | { kind: 'refund'; refund: CommerceRefund }
  | { kind: 'return'; orderExternalId: string; externalReturnId: string; status: string; updatedAt: Date | null }
  | { kind: 'ignored'; reason: string };

/** Verifies and interprets the platform's webhook deliveries. */
export interface CommerceWebhooks {
  readonly source: string;
  /**
   * Authenticates one delivery from its raw body and headers (Shopify: HMAC-SHA256 of the body
   * with the app's secret, compared in constant time). Throws `InvalidCommerceWebhookError`.
   */
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): CommerceDelivery;
  /**
   * The change a stored delivery means. An adapter may read the platform's current state rather
   * than trust the body alone (Shopify's order webhooks carry no payment references, so the
   * adapter fetches the order through the Admin API, which also makes a late delivery harmless).
   * Throws `InvalidCommerceWebhookError(…, 400)` on a body it cannot read; other errors are
   * transient (the platform unreachable or throttling) and the delivery is retried.
   */
  interpret(topic: string, rawBody: Buffer): Promise<CommerceChange>;
}

/** One returned line of a mirrored return: the SKU and units, as on the platform's order. */
export interface MirroredLine {
  sku: string;
  quantity: number;
}

/** Where a return stands in the graph, for the platform. */
export interface MirroredReturn {
  /** The graph's return id (`ret_...`): the mirror's idempotency key. */
  returnId: string;
  /** The order's id on the platform (`NewOrder.externalId`). */
  orderExternalId: string;
  /** The units authorized, per SKU. */
  lines: MirroredLine[];
}

/** Dispositions so far, cumulative per SKU: the mirror applies only what the platform does not show yet. */
export interface MirroredDisposition {
  sku: string;
  /** Units put back into sellable stock, cumulative. */
  restocked: number;
  /** Units inspected and not restocked (damaged, refurbish, vendor return, scrap), cumulative. */
  notRestocked: number;
  /** The graph's location id where they were inspected. */
  locationId: string;
}

/**
 * Shows the graph's returns on the platform. Every call is idempotent by `returnId` and converges
 * on the state given (a retry after a crash changes nothing twice); none moves money: refunds are
 * paid by the graph's payment connectors, and `recordRefund` only notes one on the platform's order.
 */
export interface CommerceReturnsMirror {
  readonly source: string;
  /** Opens the return on the platform's order; answers the platform's return id (the existing one on a repeat). */
  openReturn(ret: MirroredReturn): Promise<{ externalReturnId: string }>;
  /** Brings the platform's dispositions up to `dispositions` (cumulative per SKU). */
  disposeItems(ret: MirroredReturn & { externalReturnId: string }, dispositions: MirroredDisposition[]): Promise<void>;
  /** Closes the return on the platform (every unit dispositioned, refund settled). */
  closeReturn(ret: MirroredReturn & { externalReturnId: string }): Promise<void>;
  /** Cancels the return on the platform (withdrawn before any unit arrived). */
  cancelReturn(ret: MirroredReturn & { externalReturnId: string }): Promise<void>;
  /** Notes, without moving money, that the graph refunded `amountMinor` for the return (idempotent by `refundId`). */
  recordRefund(
    ret: MirroredReturn & { externalReturnId: string },
    refund: { refundId: string; amountMinor: number; currency: string; provider: string | null },
  ): Promise<void>;
}

/** A commerce platform's adapter: all three parts over one connection. */
export interface CommerceConnector {
  readonly source: string;
  feed: CommerceFeed;
  webhooks: CommerceWebhooks;
  mirror: CommerceReturnsMirror;
}
