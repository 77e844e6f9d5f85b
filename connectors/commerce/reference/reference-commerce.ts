import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Db } from '../../../platform/db';
import type { NewOrder } from '../../../contracts/orders';
import type { CommerceConnector, CommerceLocation, CommerceProduct, CommerceRefund } from '../port';
import { ReferenceFeed } from './reference-feed';
import { ReferenceMirror } from './reference-mirror';
import { ReferenceWebhooks } from './reference-webhooks';
import { MIN_SECRET_LENGTH, signedHeaders } from './signing';
import { newOrderJson } from './wire';

/** The reference shop's name: every order it reports carries it as `source`. */
export const REFERENCE_SOURCE = 'demo';

/** Options of the reference shop. */
export interface ReferenceCommerceOptions {
  /** The HMAC key its webhooks are signed with (≥ 16 characters). No default: a shared default secret would be no secret. */
  webhookSecret: string;
  /** Its source name; default `demo`. */
  source?: string;
}

/** A webhook delivery as the shop would POST it: the raw body and its signed headers. */
export interface SignedDelivery {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  deliveryId: string;
}

/** An order's JSON as the shop stores and sends it: `NewOrder` with ISO dates. */
function orderJson(order: NewOrder): string {
  return JSON.stringify(order);
}

/**
 * The reference shop (source `demo`): the built-in commerce platform of the embedded default and
 * the tests, in the `commerce_ref` schema. It implements every part of the commerce port, and the
 * admin side a real platform has in its own UI — placing, updating, cancelling and refunding
 * orders, adding locations and products — each of which answers the webhook delivery the shop
 * would send for it, signed, for the caller to POST to `/webhooks/commerce/demo`.
 */
export class ReferenceCommerce implements CommerceConnector {
  readonly source: string;
  readonly feed: ReferenceFeed;
  readonly webhooks: ReferenceWebhooks;
  readonly mirror: ReferenceMirror;

  constructor(
    private readonly db: Db,
    private readonly options: ReferenceCommerceOptions,
  ) {
    if (typeof options.webhookSecret !== 'string' || options.webhookSecret.length < MIN_SECRET_LENGTH) {
      throw new TypeError(
        `ReferenceCommerce needs a webhookSecret of at least ${MIN_SECRET_LENGTH} characters, but got one of ${String(options.webhookSecret?.length)}`,
      );
    }
    this.source = options.source ?? REFERENCE_SOURCE;
    this.feed = new ReferenceFeed(db, this.source);
    this.webhooks = new ReferenceWebhooks(this.source, options.webhookSecret);
    this.mirror = new ReferenceMirror(db, this.source);
  }

  /** Places (or replaces) an order in the shop; answers `orders/create`, or `orders/updated` for a known order. */
  async putOrder(order: NewOrder, updatedAt: Date = new Date()): Promise<SignedDelivery> {
    const stored: NewOrder = { ...order, source: this.source };
    const created = await this.store(stored, updatedAt);
    return this.orderDelivery(created ? 'orders/create' : 'orders/updated', stored, updatedAt);
  }

  /** Changes a stored order's facts with `change` (delivery, captures); answers `orders/updated`. */
  async updateOrder(externalId: string, change: (order: NewOrder) => NewOrder, updatedAt: Date = new Date()): Promise<SignedDelivery> {
    return this.putOrder(change(await this.existing(externalId)), updatedAt);
  }

  /** Cancels an order; answers `orders/cancelled`. */
  async cancelOrder(externalId: string, at: Date = new Date()): Promise<SignedDelivery> {
    const cancelled: NewOrder = { ...(await this.existing(externalId)), cancelledAt: at };
    await this.store(cancelled, at);
    return this.orderDelivery('orders/cancelled', cancelled, at);
  }

  /** The order as the shop holds it now, or null. */
  async order(externalId: string): Promise<NewOrder | null> {
    const { rows } = await this.db.query<{ body: unknown }>(`SELECT body FROM commerce_ref.orders WHERE external_id = $1`, [externalId]);
    return rows[0] ? newOrderJson.parse(rows[0].body) : null;
  }

  /** Issues a refund in the shop itself (outside the graph); answers `refunds/create`. */
  refundOrder(refund: CommerceRefund): SignedDelivery {
    return this.sign('refunds/create', JSON.stringify({ refund }), refund.refundedAt);
  }

  /** Adds or renames a location. */
  async putLocation(location: CommerceLocation): Promise<void> {
    await this.db.query(
      `INSERT INTO commerce_ref.locations (external_id, location_id, name, kind, city, updated_seq) VALUES ($1, $2, $3, $4, $5, nextval('commerce_ref.change_seq'))
       ON CONFLICT (external_id) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, city = EXCLUDED.city, updated_seq = EXCLUDED.updated_seq`,
      [location.externalId, location.locationId, location.name, location.kind, location.city],
    );
  }

  /** Adds or renames a product. */
  async putProduct(product: CommerceProduct): Promise<void> {
    await this.db.query(
      `INSERT INTO commerce_ref.products (sku, external_id, title, category, updated_seq) VALUES ($1, $2, $3, $4, nextval('commerce_ref.change_seq'))
       ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category, updated_seq = EXCLUDED.updated_seq`,
      [product.sku, product.externalId, product.title, product.category],
    );
  }

  /** A delivery of `topic` with `body`, signed with the shop's secret (a fresh event id unless one is given). */
  sign(topic: string, body: string, occurredAt: Date = new Date(), deliveryId: string = randomUUID()): SignedDelivery {
    const raw = Buffer.from(body, 'utf8');
    return { raw, deliveryId, headers: signedHeaders(raw, this.options.webhookSecret, { deliveryId, topic, occurredAt }) };
  }

  private async existing(externalId: string): Promise<NewOrder> {
    const order = await this.order(externalId);
    if (!order) throw new Error(`the reference shop has no order ${externalId}`);
    return order;
  }

  /** Stores the order as its newest change; true when it is new to the shop. */
  private async store(order: NewOrder, updatedAt: Date): Promise<boolean> {
    const { rows } = await this.db.query<{ created: boolean }>(
      `INSERT INTO commerce_ref.orders (external_id, body, updated_seq, updated_at) VALUES ($1, $2, nextval('commerce_ref.change_seq'), $3)
       ON CONFLICT (external_id) DO UPDATE SET body = EXCLUDED.body, updated_seq = EXCLUDED.updated_seq, updated_at = EXCLUDED.updated_at
       RETURNING (xmax = 0) AS created`,
      [order.externalId, orderJson(order), updatedAt],
    );
    return rows[0]?.created === true;
  }

  private orderDelivery(topic: string, order: NewOrder, updatedAt: Date, deliveryId?: string): SignedDelivery {
    return this.sign(topic, JSON.stringify({ order, updatedAt: updatedAt.toISOString() }), updatedAt, deliveryId);
  }
}
