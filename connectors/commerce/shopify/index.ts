/** The Shopify commerce connector: what `app/` and tests use. */
export { ShopifyConnector, type ShopifyConnectorOptions } from './shopify-connector';
export { SHOPIFY_API_VERSION, ShopifyClient, type ShopifyClientOptions, type ShopifyClientStats } from './shopify-client';
export { ShopifyFeed, orderCursorSince, type ShopifyFeedOptions } from './shopify-feed';
export { bulkOrders, type BulkOrdersOptions } from './shopify-bulk';
export { ShopifyWebhooks } from './shopify-webhooks';
export { ShopifyReturnsMirror, METAFIELD_NAMESPACE, returnMarker } from './shopify-mirror';
export { mapShopifyOrder, SHOPIFY_SOURCE } from './shopify-order-mapping';
export { DEFAULT_LOCATION_PREFIX } from './shopify-ids';
export { ShopifyApiError, ShopifyMirrorError, ShopifyUnavailableError, ShopifyUserErrorsError, UnmappableShopifyOrderError } from './shopify-errors';
