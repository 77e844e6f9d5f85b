import type { Channel, CurrencyCode, PaymentMethod } from './vocabulary';

/**
 * The graph's order model as commerce platforms report it: normalised (amounts in integer minor
 * units of the order's currency, times as UTC `Date`s) and validated. The orders subgraph records
 * orders in this shape (its `recordOrder` input is parsed into it), and a commerce connector
 * (`connectors/commerce/port.ts`) yields orders in it, so neither depends on the other.
 */

/** One line of a reported order. */
export interface NewOrderLine {
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
}

/** One payment capture of a reported order. */
export interface NewPayment {
  /** Payment provider, e.g. `stripe`, `adyen`, `cash`, `gift_card`. */
  provider: string;
  /** The provider's own reference (charge id, gift card transaction); unique per order and provider. */
  providerReference: string;
  method: PaymentMethod;
  capturedMinor: number;
  capturedAt: Date;
}

/** An order as a commerce platform reports it; (source, externalId) identifies it across re-sends. */
export interface NewOrder {
  /** The commerce platform the order came from, e.g. `shopify`, `demo`. */
  source: string;
  /** The order's id in `source`. */
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
  /** When the platform cancelled the order; absent or null while it stands. A mutable fact, like delivery. */
  cancelledAt?: Date | null;
  currency: CurrencyCode;
  /** Null when nothing is shipped (e.g. taken away at a POS counter). */
  shipping: { method: string; amountMinor: number; taxMinor: number } | null;
  lines: NewOrderLine[];
  payments: NewPayment[];
}
