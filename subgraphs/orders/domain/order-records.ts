import type { Channel } from '../../../contracts/vocabulary';
import type { NewOrder, NewOrderLine, NewPayment } from '../../../contracts/orders';

/**
 * The orders subgraph's own read model: orders, lines and payments as `store.ts` keeps them,
 * with the totals it derives. Nothing outside this subgraph sees these types; other subgraphs
 * learn about orders from the `OrderRecorded` event (`contracts/events/orders.ts`).
 */

/** An order header with its totals, as the store keeps it: the reported header plus ids and what the store derives. */
export interface OrderRecord extends Omit<NewOrder, 'shipping' | 'lines' | 'payments'> {
  id: string;
  /** Human-facing order number, e.g. `R100042`; unique. */
  number: string;
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
  /** The platform's time of the newest version applied by webhook intake; null for `recordOrder`. An older delivery is stale. */
  sourceUpdatedAt?: Date | null;
}

/** One order line as reported, with its ids and total; immutable once recorded. */
export interface OrderLineRecord extends NewOrderLine {
  id: string;
  orderId: string;
  lineNumber: number;
  /** unit price x quantity − discount + tax. */
  totalMinor: number;
  /** The order's currency, repeated so a line formats its own money. */
  currency: string;
  /** The order's customer and partner, so tenancy can be checked on a line alone. */
  customerId: string;
  marketplacePartnerId: string | null;
}

/** One captured payment of an order, as reported, with its ids. */
export interface PaymentRecord extends NewPayment {
  id: string;
  orderId: string;
  currency: string;
  /** What the platform refunded of this capture itself (outside the graph); 0 when nothing. */
  refundedExternallyMinor?: number;
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
