/**
 * Shopify's webhooks: `verify` authenticates a delivery (HMAC-SHA256 of the raw body with the
 * app's client secret, base64 in `X-Shopify-Hmac-Sha256`, compared in constant time) and names it
 * by `X-Shopify-Event-Id` (the same on every retry of one event); `interpret` turns a stored
 * delivery into the change it means. Order webhooks carry no payment references the graph can
 * use, so the order is read again through the Admin API: that also makes a late or repeated
 * delivery harmless, since the order is read as it is now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidCommerceWebhookError, type CommerceChange, type CommerceDelivery, type CommerceRefund, type CommerceWebhooks } from '../port';
import { shopMinor } from './shopify-amounts';
import type { ShopifyClient } from './shopify-client';
import { UnmappableShopifyOrderError } from './shopify-errors';
import type { ShopifyFeed } from './shopify-feed';
import { gidNumber, toGid } from './shopify-ids';
import { providerOf, providerReferenceOf, SHOPIFY_SOURCE } from './shopify-order-mapping';
import { ORDER_QUERY, REFUND_QUERY, RETURN_ORDER_QUERY } from './shopify-queries';
import type { ShopifyOrder, ShopifyTransaction } from './shopify-types';

/** Topics whose change is "the order as it is now". */
export const ORDER_TOPICS: ReadonlySet<string> = new Set([
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/paid',
  'orders/edited',
]);

/** Return topics of 2026-10, and the status each means when the body does not say. */
export const RETURN_TOPIC_STATUS: ReadonlyMap<string, string> = new Map([
  ['returns/request', 'REQUESTED'],
  ['returns/approve', 'OPEN'],
  ['returns/decline', 'DECLINED'],
  ['returns/cancel', 'CANCELED'],
  ['returns/close', 'CLOSED'],
  ['returns/reopen', 'OPEN'],
  ['returns/update', 'OPEN'],
  ['returns/process', 'OPEN'],
]);

/** One header's value (Node lower-cases names); the first of a repeated one. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text === undefined || text === '' ? undefined : text;
}

/** The body as an object, or the 400 refusal. */
function bodyOf(rawBody: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new InvalidCommerceWebhookError('Shopify webhook body is not JSON', 400);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidCommerceWebhookError('Shopify webhook body is not a JSON object', 400);
  return parsed as Record<string, unknown>;
}

/** The gid of `type` a REST-shaped body names by `admin_graphql_api_id` or numeric `id`; the 400 refusal otherwise. */
function gidIn(body: Record<string, unknown>, type: string, idKey = 'id'): string {
  const gid = body.admin_graphql_api_id;
  if (typeof gid === 'string' && gidNumber(gid, type)) return gid;
  const id = body[idKey];
  if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && /^\d+$/.test(id))) return toGid(type, id);
  throw new InvalidCommerceWebhookError(`Shopify webhook body names no ${type}`, 400);
}

/** A time in the body, or null. */
function timeIn(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

interface RefundTransaction {
  id: string;
  kind: string;
  status: string;
  amountSet: ShopifyTransaction['amountSet'];
  parentTransaction: { id: string } | null;
}

interface RefundAnswer {
  refund: { id: string; createdAt: string | null; transactions: { nodes: RefundTransaction[] } } | null;
  order: ShopifyOrder | null;
}

/** Verifies and interprets one app's webhooks for one store. */
export class ShopifyWebhooks implements CommerceWebhooks {
  readonly source = SHOPIFY_SOURCE;
  private readonly secret: Buffer;

  constructor(
    webhookSecret: string,
    private readonly client: ShopifyClient,
    private readonly feed: ShopifyFeed,
  ) {
    if (typeof webhookSecret !== 'string' || webhookSecret.length < 16) {
      throw new TypeError("ShopifyWebhooks needs webhookSecret, the app's client secret (at least 16 characters), but got none or a shorter one");
    }
    this.secret = Buffer.from(webhookSecret, 'utf8');
  }

  /** The delivery, when its signature is the app's; `InvalidCommerceWebhookError` (401) otherwise. */
  verify(rawBody: Buffer, headers: IncomingHttpHeaders): CommerceDelivery {
    const signature = header(headers, 'x-shopify-hmac-sha256');
    if (!signature) throw new InvalidCommerceWebhookError('missing X-Shopify-Hmac-Sha256 header');
    const expected = createHmac('sha256', this.secret).update(rawBody).digest();
    const given = Buffer.from(signature, 'base64');
    // timingSafeEqual throws on different lengths; the length of an HMAC is no secret.
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw new InvalidCommerceWebhookError('Shopify webhook signature does not match');
    const topic = header(headers, 'x-shopify-topic');
    if (!topic) throw new InvalidCommerceWebhookError('missing X-Shopify-Topic header');
    const deliveryId = header(headers, 'x-shopify-event-id') ?? header(headers, 'x-shopify-webhook-id');
    if (!deliveryId) throw new InvalidCommerceWebhookError('missing X-Shopify-Event-Id and X-Shopify-Webhook-Id headers');
    return { deliveryId, topic, occurredAt: timeIn(header(headers, 'x-shopify-triggered-at')) };
  }

  /** The change a stored delivery means; reads the platform's current order or refund. */
  async interpret(topic: string, rawBody: Buffer): Promise<CommerceChange> {
    const body = bodyOf(rawBody);
    if (ORDER_TOPICS.has(topic)) return this.orderChange(gidIn(body, 'Order'));
    if (topic === 'refunds/create') return this.refundChange(gidIn(body, 'Refund'), gidIn(body, 'Order', 'order_id'), body);
    const status = RETURN_TOPIC_STATUS.get(topic);
    if (status) return this.returnChange(body, status);
    return { kind: 'ignored', reason: `topic ${topic} is not used by the graph` };
  }

  private async orderChange(orderGid: string): Promise<CommerceChange> {
    const { order } = await this.client.request<{ order: ShopifyOrder | null }>(ORDER_QUERY, { id: orderGid });
    if (!order) return { kind: 'ignored', reason: `order ${orderGid} no longer exists on Shopify` };
    try {
      return { kind: 'order', order: await this.feed.mapOrder(order), updatedAt: new Date(order.updatedAt) };
    } catch (error) {
      // Retrying would fail the same way: the order is not one the graph can hold.
      if (error instanceof UnmappableShopifyOrderError) return { kind: 'ignored', reason: error.message };
      throw error;
    }
  }

  private async refundChange(refundGid: string, orderGid: string, body: Record<string, unknown>): Promise<CommerceChange> {
    const { refund, order } = await this.client.request<RefundAnswer>(REFUND_QUERY, { id: refundGid, orderId: orderGid });
    if (!refund || !order) return { kind: 'ignored', reason: `refund ${refundGid} or its order no longer exists on Shopify` };
    const captures = new Map(order.transactions.map((t) => [t.id, t]));
    const transactions: CommerceRefund['transactions'] = refund.transactions.nodes
      .filter((t) => t.kind === 'REFUND' && t.status === 'SUCCESS')
      .map((t) => {
        const parent = t.parentTransaction ? captures.get(t.parentTransaction.id) : undefined;
        return {
          provider: providerOf(parent?.gateway),
          providerReference: parent ? providerReferenceOf(parent) : providerReferenceOf({ id: t.parentTransaction?.id ?? t.id, receiptJson: null }),
          amountMinor: shopMinor(t.amountSet, order.currencyCode),
        };
      });
    return {
      kind: 'refund',
      refund: {
        externalId: gidNumber(refund.id, 'Refund') ?? refund.id,
        orderExternalId: gidNumber(order.id, 'Order') ?? order.id,
        transactions,
        refundedAt: timeIn(refund.createdAt) ?? timeIn(body.created_at) ?? new Date(),
      },
    };
  }

  private async returnChange(body: Record<string, unknown>, topicStatus: string): Promise<CommerceChange> {
    const returnGid = gidIn(body, 'Return');
    const status = typeof body.status === 'string' && body.status ? body.status.toUpperCase() : topicStatus;
    const order = body.order as Record<string, unknown> | undefined;
    let orderGid: string | null = null;
    if (order && typeof order === 'object') orderGid = gidIn(order, 'Order');
    else if (body.order_id !== undefined) orderGid = gidIn(body, 'Order', 'order_id');
    if (!orderGid) {
      const { return: found } = await this.client.request<{ return: { order: { id: string } } | null }>(RETURN_ORDER_QUERY, { id: returnGid });
      if (!found) return { kind: 'ignored', reason: `return ${returnGid} no longer exists on Shopify` };
      orderGid = found.order.id;
    }
    return {
      kind: 'return',
      orderExternalId: gidNumber(orderGid, 'Order') ?? orderGid,
      externalReturnId: returnGid,
      status,
      updatedAt: timeIn(body.updated_at),
    };
  }
}
