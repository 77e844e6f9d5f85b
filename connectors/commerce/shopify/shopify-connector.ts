/**
 * The Shopify commerce connector: one Admin API client shared by the feed, the webhooks and the
 * returns mirror of one store. `app/` builds it once per process from its settings.
 */
import type { NewOrder } from '../../../contracts/orders';
import type { CommerceConnector } from '../port';
import { bulkOrders, type BulkOrdersOptions } from './shopify-bulk';
import { ShopifyClient, type ShopifyClientOptions } from './shopify-client';
import { ShopifyFeed, type ShopifyFeedOptions } from './shopify-feed';
import { ShopifyReturnsMirror } from './shopify-mirror';
import { SHOPIFY_SOURCE } from './shopify-order-mapping';
import { ShopifyWebhooks } from './shopify-webhooks';

/** Options of `ShopifyConnector`: the client's, the feed's, and the webhook secret. */
export interface ShopifyConnectorOptions extends ShopifyClientOptions, ShopifyFeedOptions {
  /** The app's client secret, which signs webhooks (`X-Shopify-Hmac-Sha256`). Required. */
  webhookSecret: string;
}

/** Shopify as a `CommerceConnector`, plus the bulk backfill. */
export class ShopifyConnector implements CommerceConnector {
  readonly source = SHOPIFY_SOURCE;
  /** The Admin API client (its `stats` say how often Shopify held it back). */
  readonly client: ShopifyClient;
  readonly feed: ShopifyFeed;
  readonly webhooks: ShopifyWebhooks;
  readonly mirror: ShopifyReturnsMirror;
  private readonly locationPrefix: string | undefined;

  constructor(options: ShopifyConnectorOptions) {
    this.client = new ShopifyClient(options);
    this.feed = new ShopifyFeed(this.client, options);
    this.webhooks = new ShopifyWebhooks(options.webhookSecret, this.client, this.feed);
    this.mirror = new ShopifyReturnsMirror(this.client, options.locationPrefix);
    this.locationPrefix = options.locationPrefix;
  }

  /**
   * Every order of the store through one bulk export, in batches (see `shopify-bulk.ts`): for the
   * first import of a store with history. Follow it with `feed.changedOrders` from
   * `orderCursorSince(<when it started>)`.
   */
  bulkOrders(options: Omit<BulkOrdersOptions, 'locationPrefix'> = {}): AsyncIterable<NewOrder[]> {
    return bulkOrders(this.client, { ...options, ...(this.locationPrefix !== undefined && { locationPrefix: this.locationPrefix }) });
  }
}
