/**
 * A Shopify order as the graph's `NewOrder`: pure functions, no I/O. Amounts are read in the
 * shop's currency (`shopMoney`), by string arithmetic only. Lines without a SKU (tips, custom
 * items) are not goods the graph can return and are left out; an order with none left, or in a
 * currency the graph does not hold, is refused with an `UnmappableShopifyOrderError`.
 */
import type { NewOrder, NewOrderLine, NewPayment } from '../../../contracts/orders';
import type { Channel, PaymentMethod } from '../../../contracts/vocabulary';
import { isCurrencyCode, type CurrencyCode } from '../../../platform/money';
import { shopMinor, sumShopMinor } from './shopify-amounts';
import { UnmappableShopifyOrderError } from './shopify-errors';
import { CUSTOMER_PREFIX, DEFAULT_LOCATION_PREFIX, gidNumber, locationIdOf } from './shopify-ids';
import type { ShopifyLineItem, ShopifyOrder, ShopifyShippingLine, ShopifyTransaction } from './shopify-types';

/** Every order the connector yields carries this `source`. */
export const SHOPIFY_SOURCE = 'shopify';

/** The category of a line whose product has no product type. */
export const DEFAULT_CATEGORY = 'general';

/**
 * `sourceName`s of Shopify's own mobile apps and of the Shop app: an order placed in an app is a
 * MOBILE order (its return window and policy are the app's), every other online source ECOMMERCE.
 */
export const MOBILE_SOURCE_NAMES: ReadonlySet<string> = new Set(['iphone', 'android', 'mobile_app', 'shop_app']);

/** Transaction kinds that took money: a SALE (authorised and captured at once) or a CAPTURE of an authorisation. */
const CAPTURING_KINDS: ReadonlySet<string> = new Set(['SALE', 'CAPTURE']);

/** Longest category and provider slug the orders subgraph accepts. */
const SLUG_MAX = 40;

/** Options of the mapping. */
export interface OrderMappingOptions {
  /** Prefix of the graph's Shopify location ids. Default `loc_shp_`. */
  locationPrefix?: string;
}

/** A Shopify product type as a category slug: lower case, runs of other characters as `_`; `general` when blank. */
export function categoryOf(productType: string | null | undefined): string {
  const slug = (productType ?? '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, SLUG_MAX);
  return slug || DEFAULT_CATEGORY;
}

/** A Shopify gateway name as the graph's provider slug (`Shopify Payments` → `shopify_payments`); `manual` when absent. */
export function providerOf(gateway: string | null | undefined): string {
  const slug = categoryOf(gateway);
  return slug === DEFAULT_CATEGORY && !gateway?.trim() ? 'manual' : slug;
}

/** The tender a gateway stands for: gift cards, cash and PayPal by name, everything else a card. */
export function paymentMethodOf(gateway: string | null | undefined): PaymentMethod {
  const provider = providerOf(gateway);
  if (provider === 'gift_card') return 'GIFT_CARD';
  if (provider === 'cash') return 'CASH';
  if (provider.startsWith('paypal')) return 'PAYPAL';
  return 'CARD';
}

/** The receipt as an object: Shopify's JSON scalar comes as an object or, from some gateways, as a string of JSON. */
function receiptOf(receipt: unknown): Record<string, unknown> {
  if (typeof receipt === 'string') {
    try {
      const parsed: unknown = JSON.parse(receipt);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return receipt && typeof receipt === 'object' ? (receipt as Record<string, unknown>) : {};
}

/** A Stripe payment intent or charge id found in a receipt (a Stripe gateway's own reference). */
function stripeReferenceIn(receipt: Record<string, unknown>): string | null {
  for (const key of ['payment_intent', 'charge', 'id']) {
    const value = receipt[key];
    if (typeof value === 'string' && /^(pi|ch|py)_[A-Za-z0-9_]+$/.test(value)) return value;
  }
  return null;
}

/**
 * The payment's reference. When the receipt carries the provider's own id of the payment (a Stripe
 * `pi_`/`ch_`), that id: the graph refunds through the provider's connector, which needs it.
 * Otherwise the Shopify transaction's numeric id, prefixed `shopify_txn_`: always present and
 * unique per order, where an `authorizationCode` is absent for many gateways and repeats across
 * the partial captures of one authorisation.
 */
export function providerReferenceOf(transaction: Pick<ShopifyTransaction, 'id' | 'receiptJson'>): string {
  const fromReceipt = stripeReferenceIn(receiptOf(transaction.receiptJson));
  if (fromReceipt) return fromReceipt;
  const number = gidNumber(transaction.id, 'OrderTransaction');
  return `shopify_txn_${number ?? transaction.id}`;
}

/** The captures of an order as the graph's payments. */
export function paymentsOf(transactions: readonly ShopifyTransaction[], currency: CurrencyCode): NewPayment[] {
  return transactions
    .filter((t) => CAPTURING_KINDS.has(t.kind) && t.status === 'SUCCESS')
    .map((t) => ({
      provider: providerOf(t.gateway),
      providerReference: providerReferenceOf(t),
      method: paymentMethodOf(t.gateway),
      capturedMinor: shopMinor(t.amountSet, currency),
      capturedAt: new Date(t.processedAt ?? t.createdAt),
    }));
}

/** A line item as the graph's line; null for a line without a SKU. */
export function lineOf(item: ShopifyLineItem, currency: CurrencyCode): NewOrderLine | null {
  const sku = item.sku?.trim();
  if (!sku) return null;
  return {
    sku,
    title: item.title,
    category: categoryOf(item.product?.productType),
    quantity: item.quantity,
    unitPriceMinor: shopMinor(item.originalUnitPriceSet, currency),
    discountMinor: sumShopMinor(
      item.discountAllocations.map((d) => d.allocatedAmountSet),
      currency,
    ),
    taxMinor: sumShopMinor(
      item.taxLines.map((t) => t.priceSet),
      currency,
    ),
    // Shopify has no final-sale flag on a line; the graph's return policy decides by category.
    finalSale: false,
  };
}

/** The shipping of an order: several shipping lines add up, their titles joined; null when nothing ships. */
export function shippingOf(lines: readonly ShopifyShippingLine[], currency: CurrencyCode): NewOrder['shipping'] {
  if (lines.length === 0) return null;
  return {
    method: lines
      .map((line) => line.title)
      .join(' + ')
      .slice(0, 100),
    amountMinor: sumShopMinor(
      lines.map((line) => line.discountedPriceSet),
      currency,
    ),
    taxMinor: sumShopMinor(
      lines.flatMap((line) => line.taxLines.map((t) => t.priceSet)),
      currency,
    ),
  };
}

/** POS when sold at a counter (`sourceName` pos, or a retail location), MOBILE from an app, else ECOMMERCE. */
export function channelOf(order: Pick<ShopifyOrder, 'sourceName' | 'retailLocation'>): Channel {
  const source = (order.sourceName ?? '').trim().toLowerCase();
  if (source === 'pos' || order.retailLocation) return 'POS';
  if (MOBILE_SOURCE_NAMES.has(source)) return 'MOBILE';
  return 'ECOMMERCE';
}

/** The latest of some ISO times, or null. */
function latest(times: readonly (string | null | undefined)[]): Date | null {
  const dates = times.filter((t): t is string => typeof t === 'string').map((t) => new Date(t));
  if (dates.length === 0) return null;
  return new Date(Math.max(...dates.map((d) => d.getTime())));
}

/**
 * When the goods reached the customer: the latest `deliveredAt` of the fulfillments (carriers
 * report it). A POS sale is handed over at the counter and carriers report nothing, so its
 * latest fulfillment's creation counts as delivery.
 */
export function deliveredAtOf(order: Pick<ShopifyOrder, 'fulfillments'>, channel: Channel): Date | null {
  const delivered = latest(order.fulfillments.map((f) => f.deliveredAt));
  if (delivered || channel !== 'POS') return delivered;
  return latest(order.fulfillments.map((f) => f.createdAt));
}

/** The order's currency, or the typed refusal. */
function currencyOf(order: ShopifyOrder): CurrencyCode {
  if (isCurrencyCode(order.currencyCode)) return order.currencyCode;
  throw new UnmappableShopifyOrderError(order.id, 'UNSUPPORTED_CURRENCY', `the graph does not hold ${order.currencyCode}`);
}

/** The customer: Shopify's customer, or for a guest checkout one id per order (a guest has no account to find other orders by). */
function customerOf(order: ShopifyOrder, orderNumber: string): Pick<NewOrder, 'customerId' | 'customerEmail' | 'customerName'> {
  const customerNumber = gidNumber(order.customer?.id, 'Customer');
  return {
    customerId: customerNumber ? `${CUSTOMER_PREFIX}${customerNumber}` : `${CUSTOMER_PREFIX}guest_${orderNumber}`,
    customerEmail: order.email ?? order.customer?.email ?? null,
    customerName: order.customer?.displayName ?? null,
  };
}

/**
 * The POS store: the order's retail location, or (a POS order synced without one) the location
 * that fulfilled it at the counter; the typed refusal when neither is known, since the graph
 * scopes every POS order to a store.
 */
function posStoreOf(order: ShopifyOrder, prefix: string): string {
  const location = order.retailLocation?.id ?? order.fulfillments.find((f) => f.location)?.location?.id;
  if (!location) throw new UnmappableShopifyOrderError(order.id, 'NO_STORE', 'a POS order without a retail or fulfilling location');
  return locationIdOf(location, prefix);
}

/** The lines with a SKU, or the typed refusal when none has one; an amount that is not money is refused too. */
function linesOf(order: ShopifyOrder, currency: CurrencyCode): NewOrderLine[] {
  const lines = order.lineItems.nodes.map((item) => lineOf(item, currency)).filter((line): line is NewOrderLine => line !== null);
  if (lines.length === 0) throw new UnmappableShopifyOrderError(order.id, 'NO_SKU_LINES', `none of its ${order.lineItems.nodes.length} lines has a SKU`);
  return lines;
}

/**
 * The Shopify order as the graph's order. `storeId` is the POS location only: a shipped order's
 * fulfilling location is known later and the graph keeps `storeId` immutable once recorded.
 */
export function mapShopifyOrder(order: ShopifyOrder, options: OrderMappingOptions = {}): NewOrder {
  const orderNumber = gidNumber(order.id, 'Order');
  if (!orderNumber) throw new UnmappableShopifyOrderError(order.id, 'INVALID_ID', 'not a Shopify order id');
  const currency = currencyOf(order);
  const channel = channelOf(order);
  const prefix = options.locationPrefix ?? DEFAULT_LOCATION_PREFIX;
  try {
    return {
      source: SHOPIFY_SOURCE,
      externalId: orderNumber,
      channel,
      storeId: channel === 'POS' ? posStoreOf(order, prefix) : null,
      marketplacePartnerId: null,
      ...customerOf(order, orderNumber),
      placedAt: new Date(order.processedAt ?? order.createdAt),
      deliveredAt: deliveredAtOf(order, channel),
      cancelledAt: order.cancelledAt ? new Date(order.cancelledAt) : null,
      currency,
      shipping: shippingOf(order.shippingLines.nodes, currency),
      lines: linesOf(order, currency),
      payments: paymentsOf(order.transactions, currency),
    };
  } catch (error) {
    if (error instanceof RangeError) throw new UnmappableShopifyOrderError(order.id, 'INVALID_AMOUNT', error.message);
    throw error;
  }
}
