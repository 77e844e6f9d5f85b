/**
 * The shapes the connector reads from the Admin API (2026-10), as selected in `shopify-queries.ts`:
 * only the fields asked for, nullable where Shopify says so.
 */
import type { ShopifyMoneyBag } from './shopify-amounts';

export interface ShopifyPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ShopifyLineItem {
  id: string;
  sku: string | null;
  title: string;
  quantity: number;
  originalUnitPriceSet: ShopifyMoneyBag;
  discountAllocations: { allocatedAmountSet: ShopifyMoneyBag }[];
  taxLines: { priceSet: ShopifyMoneyBag }[];
  product: { productType: string | null } | null;
}

export interface ShopifyShippingLine {
  id?: string | null;
  title: string;
  discountedPriceSet: ShopifyMoneyBag;
  taxLines: { priceSet: ShopifyMoneyBag }[];
}

export interface ShopifyTransaction {
  id: string;
  kind: string;
  status: string;
  gateway: string | null;
  authorizationCode: string | null;
  /** Shopify's `JSON` scalar: an object, or a string of JSON from older gateways. */
  receiptJson: unknown;
  processedAt: string | null;
  createdAt: string;
  amountSet: ShopifyMoneyBag;
}

export interface ShopifyFulfillmentSummary {
  createdAt: string;
  deliveredAt: string | null;
  location: { id: string } | null;
}

export interface ShopifyOrder {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string | null;
  cancelledAt: string | null;
  sourceName: string | null;
  email: string | null;
  currencyCode: string;
  customer: { id: string; displayName: string | null; email: string | null } | null;
  retailLocation: { id: string } | null;
  transactions: ShopifyTransaction[];
  fulfillments: ShopifyFulfillmentSummary[];
  lineItems: { nodes: ShopifyLineItem[]; pageInfo?: ShopifyPageInfo };
  shippingLines: { nodes: ShopifyShippingLine[] };
}

export interface ShopifyLocation {
  id: string;
  name: string;
  isActive: boolean;
  isFulfillmentService: boolean;
  fulfillsOnlineOrders: boolean;
  address: { city: string | null } | null;
}

export interface ShopifyVariant {
  id: string;
  sku: string | null;
  title: string;
  displayName: string;
  product: { title: string; productType: string | null };
}
