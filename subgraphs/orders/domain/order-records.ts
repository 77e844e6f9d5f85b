import type { Channel, CurrencyCode, PaymentMethod } from '../../../contracts/vocabulary';

/**
 * The orders subgraph's own read model: orders, lines and payments as `store.ts` keeps them,
 * with the totals it derives. Nothing outside this subgraph sees these types; other subgraphs
 * learn about orders from the `OrderRecorded` event (`contracts/events/orders.ts`).
 */

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
  currency: CurrencyCode;
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
