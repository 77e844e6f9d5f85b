/** The fake Shopify and its helpers, for tests of the Shopify connector and of what uses it. */
export {
  FakeShopify,
  FAKE_SHOPIFY_ACCESS_TOKEN,
  FAKE_SHOPIFY_API_VERSION,
  FAKE_SHOPIFY_WEBHOOK_SECRET,
  FAKE_SHOP_DOMAIN,
  type FakeShopifyOptions,
  type FakeShopifyRequest,
} from './fake-shopify-server';
export type { SeedLine, SeedOrder, SeedPayment } from './fake-store';
export type { WebhookDelivery, WebhookOptions, WebhookTamper } from './fake-webhooks';
