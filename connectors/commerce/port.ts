import type { Queryable } from '../../platform/db';

/**
 * The commerce port: how the orders subgraph reads and records orders, whichever commerce
 * backend holds them. Amounts are integer minor units in the order's currency; times are UTC.
 */

/** Sales channels of the contract's `Channel` enum. */
export const CHANNELS = ['ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE'] as const;
/** Where an order was placed. */
export type Channel = (typeof CHANNELS)[number];

/** How a payment was made; the API's `PaymentMethod` enum. */
export const PAYMENT_METHODS = ['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH'] as const;
/** One of `PAYMENT_METHODS`. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** An order header with its totals, as the store keeps it. */
export interface OrderRecord {
  id: string;
  /** Human-facing order number, e.g. `R100042`; unique. */
  number: string;
  /** The commerce platform the order came from, e.g. `shopify`, `demo`. */
  source: string;
  /** The order's id in `source`; unique per source. */
  externalId: string;
  channel: Channel;
  /** The POS store, or the store that fulfilled a shipped order. */
  storeId: string | null;
  /** Set for MARKETPLACE orders only. */
  marketplacePartnerId: string | null;
  customerId: string;
  customerEmail: string | null;
  customerName: string | null;
  placedAt: Date;
  deliveredAt: Date | null;
  currency: string;
  /** Null when nothing is shipped (e.g. taken away at a POS counter). */
  shippingMethod: string | null;
  shippingMinor: number;
  shippingTaxMinor: number;
  /** Sum of unit price x quantity over the lines, before discounts. */
  subtotalMinor: number;
  discountTotalMinor: number;
  /** Line taxes plus shipping tax. */
  taxTotalMinor: number;
  /** subtotal − discountTotal + taxTotal + shipping. */
  totalMinor: number;
  /** Sum of captured payments; never more than the total. */
  capturedTotalMinor: number;
}

/** One order line; immutable once recorded. */
export interface OrderLineRecord {
  id: string;
  orderId: string;
  lineNumber: number;
  sku: string;
  title: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  /** Discount allocated to the whole line (all units). */
  discountMinor: number;
  /** Tax of the whole line (all units). */
  taxMinor: number;
  finalSale: boolean;
  /** unit price x quantity − discount + tax. */
  totalMinor: number;
  /** The order's currency, repeated so a line formats its own money. */
  currency: string;
  /** The order's customer and partner, so tenancy can be checked on a line alone. */
  customerId: string;
  marketplacePartnerId: string | null;
}

/** One captured payment of an order. */
export interface PaymentRecord {
  id: string;
  orderId: string;
  /** Payment provider, e.g. `stripe`, `adyen`, `cash`, `gift_card`. */
  provider: string;
  /** The provider's own reference (charge id, gift card transaction); unique per order and provider. */
  providerReference: string;
  method: PaymentMethod;
  capturedMinor: number;
  capturedAt: Date;
  currency: string;
}

/** Filters of an order listing; all optional and combined with AND. */
export interface OrderFilter {
  customerId?: string;
  channel?: Channel;
  storeId?: string;
  marketplacePartnerId?: string;
  placedAfter?: Date;
  placedBefore?: Date;
}

/** A keyset page of an order listing, newest first. */
export interface OrderPage {
  /** Rows to return; callers ask for one more than they show to learn whether a next page exists. */
  limit: number;
  /** Position after which to continue: the last row seen. */
  after?: { placedAt: Date; id: string };
}

/** A normalised order line to record (amounts already in minor units). */
export interface NewOrderLine {
  sku: string;
  title: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  taxMinor: number;
  finalSale: boolean;
}

/** A normalised payment capture to record. */
export interface NewPayment {
  provider: string;
  providerReference: string;
  method: PaymentMethod;
  capturedMinor: number;
  capturedAt: Date;
}

/** A normalised, validated order as a commerce platform reports it. */
export interface NewOrder {
  source: string;
  externalId: string;
  channel: Channel;
  storeId: string | null;
  marketplacePartnerId: string | null;
  customerId: string;
  customerEmail: string | null;
  customerName: string | null;
  placedAt: Date;
  deliveredAt: Date | null;
  currency: string;
  shipping: { method: string; amountMinor: number; taxMinor: number } | null;
  lines: NewOrderLine[];
  payments: NewPayment[];
}

/** Reads of the commerce port. Every find returns only rows that exist; order of results is not guaranteed. */
export interface CommerceReader {
  /** Orders with the given ids (unknown ids are simply absent). */
  findOrders(ids: readonly string[]): Promise<OrderRecord[]>;
  /** The order with this number, or null. */
  findOrderByNumber(number: string): Promise<OrderRecord | null>;
  /** The order recorded for (source, externalId), or null. */
  findOrderByExternalId(source: string, externalId: string): Promise<OrderRecord | null>;
  /** Order lines with the given ids. */
  findLines(ids: readonly string[]): Promise<OrderLineRecord[]>;
  /** Lines of the given orders, by order then line number. */
  findLinesOfOrders(orderIds: readonly string[]): Promise<OrderLineRecord[]>;
  /** Payments of the given orders, by order then capture time. */
  findPaymentsOfOrders(orderIds: readonly string[]): Promise<PaymentRecord[]>;
  /** Orders matching `filter`, newest first (placedAt desc, id desc), one keyset page. */
  listOrders(filter: OrderFilter, page: OrderPage): Promise<OrderRecord[]>;
  /** How many orders match `filter`. */
  countOrders(filter: OrderFilter): Promise<number>;
}

/**
 * Writes of the commerce port. They run inside the caller's transaction, so idempotency records
 * and outbox events can commit together with the order.
 */
export interface CommerceWriter {
  /** Locks and returns the order recorded for (source, externalId), or null. */
  lockOrderByExternalId(source: string, externalId: string): Promise<OrderRecord | null>;
  /**
   * Creates the order with its lines and payments; returns null (writing nothing) when another
   * transaction recorded the same (source, externalId) first.
   */
  insertOrder(order: NewOrder): Promise<OrderRecord | null>;
  /** Sets the mutable facts of an existing order: delivery and captured payments (added or updated by reference). */
  updateOrderFacts(orderId: string, facts: { deliveredAt: Date | null; payments: NewPayment[] }): Promise<OrderRecord>;
}

/** The whole commerce port, bound to a database handle or an open transaction. */
export interface CommerceConnector extends CommerceReader, CommerceWriter {}

/** Builds a connector bound to `db` (the database or a transaction). */
export type CommerceConnectorFactory = (db: Queryable) => CommerceConnector;
