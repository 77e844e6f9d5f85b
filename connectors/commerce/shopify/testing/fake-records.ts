/**
 * The fake Shopify's records: plain objects in the shape of the Admin API's types (field names as
 * in `admin-schema.graphql`, `__typename` for interfaces), so the schema's default resolvers read
 * them directly. Arrays behind connection fields are paged by `fake-resolvers.ts`.
 */

export interface MoneyV2Record {
  amount: string;
  currencyCode: string;
}

export interface MoneyBagRecord {
  shopMoney: MoneyV2Record;
  presentmentMoney: MoneyV2Record;
}

export interface LocationRecord {
  __typename: 'Location';
  id: string;
  legacyResourceId: string;
  name: string;
  isActive: boolean;
  isFulfillmentService: boolean;
  fulfillsOnlineOrders: boolean;
  address: { city: string | null; countryCode: string | null };
}

export interface ProductRecord {
  __typename: 'Product';
  id: string;
  title: string;
  productType: string;
}

export interface VariantRecord {
  __typename: 'ProductVariant';
  id: string;
  sku: string | null;
  title: string;
  displayName: string;
  product: ProductRecord;
}

export interface LineItemRecord {
  __typename: 'LineItem';
  id: string;
  sku: string | null;
  title: string;
  name: string;
  quantity: number;
  currentQuantity: number;
  originalUnitPriceSet: MoneyBagRecord;
  discountAllocations: { allocatedAmountSet: MoneyBagRecord }[];
  taxLines: { title: string; rate: number; priceSet: MoneyBagRecord }[];
  product: ProductRecord | null;
  variant: VariantRecord | null;
}

export interface ShippingLineRecord {
  __typename: 'ShippingLine';
  id: string;
  title: string;
  discountedPriceSet: MoneyBagRecord;
  originalPriceSet: MoneyBagRecord;
  taxLines: { title: string; rate: number; priceSet: MoneyBagRecord }[];
}

export interface TransactionRecord {
  __typename: 'OrderTransaction';
  id: string;
  kind: string;
  status: string;
  gateway: string | null;
  authorizationCode: string | null;
  receiptJson: unknown;
  amountSet: MoneyBagRecord;
  processedAt: string | null;
  createdAt: string;
  parentTransaction: TransactionRecord | null;
}

export interface FulfillmentLineItemRecord {
  __typename: 'FulfillmentLineItem';
  id: string;
  quantity: number;
  lineItem: LineItemRecord;
}

export interface FulfillmentRecord {
  __typename: 'Fulfillment';
  id: string;
  status: string;
  createdAt: string;
  deliveredAt: string | null;
  location: LocationRecord | null;
  fulfillmentLineItems: FulfillmentLineItemRecord[];
}

export interface DispositionRecord {
  __typename: 'ReverseFulfillmentOrderDisposition';
  id: string;
  type: string;
  quantity: number;
  location: LocationRecord | null;
}

export interface ReverseLineItemRecord {
  __typename: 'ReverseFulfillmentOrderLineItem';
  id: string;
  totalQuantity: number;
  dispositions: DispositionRecord[];
  fulfillmentLineItem: FulfillmentLineItemRecord;
}

export interface ReverseFulfillmentOrderRecord {
  __typename: 'ReverseFulfillmentOrder';
  id: string;
  status: string;
  lineItems: ReverseLineItemRecord[];
}

export interface ReturnLineItemRecord {
  __typename: 'ReturnLineItem';
  id: string;
  quantity: number;
  customerNote: string | null;
  returnReasonNote: string;
  fulfillmentLineItem: FulfillmentLineItemRecord;
}

export interface ReturnRecord {
  __typename: 'Return';
  id: string;
  name: string;
  status: string;
  order: OrderRecord;
  returnLineItems: ReturnLineItemRecord[];
  reverseFulfillmentOrders: ReverseFulfillmentOrderRecord[];
}

export interface MetafieldRecord {
  __typename: 'Metafield';
  id: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
}

export interface RefundRecord {
  __typename: 'Refund';
  id: string;
  createdAt: string;
  order: OrderRecord;
  transactions: TransactionRecord[];
}

export interface OrderRecord {
  __typename: 'Order';
  id: string;
  legacyResourceId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
  processedAt: string;
  cancelledAt: string | null;
  sourceName: string | null;
  email: string | null;
  currencyCode: string;
  customer: { __typename: 'Customer'; id: string; displayName: string; email: string | null } | null;
  retailLocation: LocationRecord | null;
  lineItems: LineItemRecord[];
  shippingLines: ShippingLineRecord[];
  transactions: TransactionRecord[];
  fulfillments: FulfillmentRecord[];
  returns: ReturnRecord[];
  refunds: RefundRecord[];
  metafields: MetafieldRecord[];
  metafield: (args: { namespace?: string; key: string }) => MetafieldRecord | null;
}

export interface BulkOperationRecord {
  __typename: 'BulkOperation';
  id: string;
  status: string;
  type: 'QUERY';
  errorCode: string | null;
  objectCount: string;
  createdAt: string;
  completedAt: string | null;
  url: string | null;
  partialDataUrl: string | null;
  query: string;
  /** Status polls left before it completes (so a client has to poll at least once). */
  pollsLeft: number;
  jsonl: string;
}

/** Any record reachable by `node(id:)`. */
export type NodeRecord = { __typename: string; id: string };

/** A money bag of one amount in one currency (shop and presentment alike). */
export function bag(amount: string, currencyCode: string): MoneyBagRecord {
  return { shopMoney: { amount, currencyCode }, presentmentMoney: { amount, currencyCode } };
}
