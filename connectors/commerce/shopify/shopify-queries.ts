/**
 * Every GraphQL document the connector sends, written against `SHOPIFY_API_VERSION` (2026-10).
 * Page sizes are chosen by cost: Shopify prices a query before running it (a connection costs
 * 2 + first × its node, an object 1, a scalar 0) and refuses one priced over 1,000 points, so the
 * order query reads a few orders with up to `LINE_ITEMS_PER_REQUEST` lines each and fetches the
 * rest of a long order's lines in follow-up pages.
 */

/** Lines read with an order: about 10 points each, so an order costs about 300 points. */
export const LINE_ITEMS_PER_REQUEST = 25;

/** Orders per request: 3 × ~300 points stays under Shopify's 1,000-point ceiling for one query. */
export const ORDERS_PER_REQUEST = 3;

/** Locations and product variants per request: a few points each. */
export const CATALOG_PER_REQUEST = 100;

const MONEY = 'shopMoney { amount currencyCode }';

/** The fields of a line item the mapping reads. */
export const LINE_ITEM_FIELDS = `id sku title quantity originalUnitPriceSet { ${MONEY} } discountAllocations { allocatedAmountSet { ${MONEY} } } taxLines { priceSet { ${MONEY} } } product { productType }`;

const SHIPPING_LINE_FIELDS = `id title discountedPriceSet { ${MONEY} } taxLines { priceSet { ${MONEY} } }`;

const TRANSACTION_FIELDS = `id kind status gateway authorizationCode receiptJson processedAt createdAt amountSet { ${MONEY} }`;

/** The order's own fields, lists and single objects (everything but its connections). */
const ORDER_HEAD = `id name createdAt updatedAt processedAt cancelledAt sourceName email currencyCode
  customer { id displayName email }
  retailLocation { id }
  transactions { ${TRANSACTION_FIELDS} }
  fulfillments { createdAt deliveredAt location { id } }`;

/** An order as the mapping reads it, its lines paged. */
export const ORDER_FRAGMENT = `fragment OrderFields on Order {
  ${ORDER_HEAD}
  lineItems(first: ${LINE_ITEMS_PER_REQUEST}) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } }
  shippingLines(first: 5) { nodes { ${SHIPPING_LINE_FIELDS} } }
}`;

/** Orders changed since a time, oldest change first (the feed). */
export const CHANGED_ORDERS_QUERY = `query ChangedOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    edges { cursor node { ...OrderFields } }
    pageInfo { hasNextPage endCursor }
  }
}
${ORDER_FRAGMENT}`;

/** One order (webhooks). */
export const ORDER_QUERY = `query Order($id: ID!) { order(id: $id) { ...OrderFields } }
${ORDER_FRAGMENT}`;

/** The rest of a long order's lines. */
export const MORE_LINE_ITEMS_QUERY = `query MoreLineItems($id: ID!, $after: String) {
  order(id: $id) { lineItems(first: ${LINE_ITEMS_PER_REQUEST}, after: $after) { nodes { ${LINE_ITEM_FIELDS} } pageInfo { hasNextPage endCursor } } }
}`;

/** A refund Shopify made, with the order it belongs to (refunds/create). */
export const REFUND_QUERY = `query Refund($id: ID!, $orderId: ID!) {
  refund(id: $id) { id createdAt transactions(first: 20) { nodes { id kind status gateway amountSet { ${MONEY} } parentTransaction { id } } } }
  order(id: $orderId) { ...OrderFields }
}
${ORDER_FRAGMENT}`;

/** A return's order, when a returns/* webhook body does not name it. */
export const RETURN_ORDER_QUERY = `query ReturnOrder($id: ID!) { return(id: $id) { id status order { id } } }`;

export const LOCATIONS_QUERY = `query Locations($first: Int!, $after: String) {
  locations(first: $first, after: $after, includeInactive: true) {
    nodes { id name isActive isFulfillmentService fulfillsOnlineOrders address { city } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const PRODUCT_VARIANTS_QUERY = `query ProductVariants($first: Int!, $after: String) {
  productVariants(first: $first, after: $after) {
    nodes { id sku title displayName product { title productType } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/**
 * The bulk export of every order: the same fields, connections without `first` (a bulk query
 * pages by itself). Shopify writes one JSON line per order and one per line item and shipping
 * line, the children carrying `__parentId`; lists (transactions, fulfillments) stay inline.
 */
export const BULK_ORDERS_QUERY = `{
  orders(sortKey: UPDATED_AT) { edges { node {
    ${ORDER_HEAD}
    lineItems { edges { node { ${LINE_ITEM_FIELDS} } } }
    shippingLines { edges { node { ${SHIPPING_LINE_FIELDS} } } }
  } } }
}`;

export const BULK_RUN_MUTATION = `mutation BulkOrders($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { code field message } }
}`;

export const BULK_STATUS_QUERY = `query BulkStatus($id: ID!) {
  node(id: $id) { ... on BulkOperation { id status errorCode objectCount url partialDataUrl } }
}`;

/**
 * What the returns mirror reads of an order: its returns (with our marker) and what was fulfilled.
 * Sized to stay under 1,000 points: 25 returns of up to 10 lines, fulfillments of up to 100 lines.
 */
export const ORDER_RETURNS_QUERY = `query OrderReturns($id: ID!) {
  order(id: $id) {
    id
    returns(first: 25) { nodes { id status returnLineItems(first: 10) { nodes { id quantity returnReasonNote ... on ReturnLineItem { fulfillmentLineItem { id } } } } } }
    fulfillments { id status location { id } fulfillmentLineItems(first: 100) { nodes { id quantity lineItem { id sku } } } }
  }
}`;

/**
 * What the mirror reads of a return: its status, the reverse fulfillment lines with their
 * dispositions, and where the order was fulfilled (5 reverse fulfillment orders of up to 25 lines:
 * about 820 points).
 */
export const RETURN_QUERY = `query ReturnState($id: ID!) {
  return(id: $id) {
    id status
    reverseFulfillmentOrders(first: 5) { nodes { id lineItems(first: 25) { nodes {
      id totalQuantity dispositions { type quantity location { id } } fulfillmentLineItem { id lineItem { sku } }
    } } } }
    order { id fulfillments { location { id } fulfillmentLineItems(first: 50) { nodes { id } } } }
  }
}`;

/** A return's status alone (close and cancel skip a return already there). */
export const RETURN_STATUS_QUERY = `query ReturnStatus($id: ID!) { return(id: $id) { id status } }`;

export const RETURN_CREATE_MUTATION = `mutation ReturnCreate($input: ReturnInput!) {
  returnCreate(returnInput: $input) { return { id status } userErrors { code field message } }
}`;

export const DISPOSE_MUTATION = `mutation Dispose($inputs: [ReverseFulfillmentOrderDisposeInput!]!) {
  reverseFulfillmentOrderDispose(dispositionInputs: $inputs) { reverseFulfillmentOrderLineItems { id } userErrors { code field message } }
}`;

export const RETURN_CLOSE_MUTATION = `mutation ReturnClose($id: ID!) {
  returnClose(id: $id) { return { id status } userErrors { code field message } }
}`;

export const RETURN_CANCEL_MUTATION = `mutation ReturnCancel($id: ID!) {
  returnCancel(id: $id, notifyCustomer: false) { return { id status } userErrors { code field message } }
}`;

export const METAFIELDS_SET_MUTATION = `mutation NoteRefund($metafields: [MetafieldsSetInput!]!) {
  metafieldsSet(metafields: $metafields) { metafields { id key } userErrors { code field message } }
}`;
