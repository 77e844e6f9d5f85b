import type { CommerceConnector } from '../connectors/commerce/port';
import { ShopifyConnector } from '../connectors/commerce/shopify';
import { required, type Config } from './config';

/**
 * Which commerce platform orders, locations and products come from (`COMMERCE_CONNECTOR`,
 * validated by app/config.ts), and where the graph's returns are mirrored. `none`: orders arrive
 * through `recordOrder`, `npm run import` and the demo data, and no return is mirrored — the
 * embedded default. `shopify`: the Shopify Admin API of one shop.
 */
export type CommerceSettings =
  | { connector: 'none' }
  | {
      connector: 'shopify';
      /** `SHOPIFY_STORE_DOMAIN`: "<shop>.myshopify.com". */
      storeDomain: string;
      /** `SHOPIFY_ACCESS_TOKEN`: the custom app's Admin API token. */
      accessToken: string;
      /** `SHOPIFY_WEBHOOK_SECRET`: the app's client secret, which signs its webhooks. */
      webhookSecret: string;
      /** `SHOPIFY_API_BASE`: another Admin API origin (a test double); default the shop's own. */
      apiBase?: string;
    };

/** The commerce settings of a validated configuration. */
export function commerceSettings(config: Config): CommerceSettings {
  if (config.COMMERCE_CONNECTOR === 'none') return { connector: 'none' };
  // loadConfig has refused COMMERCE_CONNECTOR=shopify without these; `required` only narrows the types.
  const why = 'COMMERCE_CONNECTOR=shopify reads orders from Shopify';
  return {
    connector: 'shopify',
    storeDomain: required(config.SHOPIFY_STORE_DOMAIN, 'SHOPIFY_STORE_DOMAIN', why),
    accessToken: required(config.SHOPIFY_ACCESS_TOKEN, 'SHOPIFY_ACCESS_TOKEN', why),
    webhookSecret: required(config.SHOPIFY_WEBHOOK_SECRET, 'SHOPIFY_WEBHOOK_SECRET', why),
    apiBase: config.SHOPIFY_API_BASE,
  };
}

/** The configured commerce platforms' connectors: none, or the one shop. */
export function commerceConnectors(settings: CommerceSettings): CommerceConnector[] {
  if (settings.connector === 'none') return [];
  return [
    new ShopifyConnector({
      storeDomain: settings.storeDomain,
      accessToken: settings.accessToken,
      webhookSecret: settings.webhookSecret,
      apiBase: settings.apiBase,
    }),
  ];
}
