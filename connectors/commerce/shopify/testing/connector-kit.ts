/** A Shopify connector pointed at a fake, whose waits move the fake's clock instead of the test's. */
import { ShopifyConnector, type ShopifyConnectorOptions } from '../shopify-connector';
import type { FakeShopify } from './fake-shopify-server';

/** The connector on `fake`: sleeping advances the fake's clock (its bucket restores) and returns at once. */
export function connectorOn(fake: FakeShopify, options: Partial<ShopifyConnectorOptions> = {}): ShopifyConnector {
  return new ShopifyConnector({
    ...fake.connectorOptions(),
    sleep: async (ms) => {
      fake.advance(ms);
    },
    now: () => fake.now(),
    retryBackoff: { baseDelayMs: 10, maxDelayMs: 40 },
    ...options,
  });
}
