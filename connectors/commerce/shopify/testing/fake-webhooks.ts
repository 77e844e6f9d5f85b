/**
 * Webhooks as Shopify sends them: a REST-shaped JSON body (`id`, `admin_graphql_api_id`,
 * snake_case fields) built from the fake's records, signed with the app's secret (base64
 * HMAC-SHA256 of the raw body in `X-Shopify-Hmac-Sha256`) and Shopify's headers.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { OrderRecord, RefundRecord, ReturnRecord } from './fake-records';

/** How a delivery is spoiled, for tests of verification. */
export type WebhookTamper = 'body' | 'signature' | 'no-signature';

/** Options of one delivery. */
export interface WebhookOptions {
  /** `X-Shopify-Event-Id`; the same on a redelivery of one event. Default a new UUID. */
  eventId?: string;
  tamper?: WebhookTamper;
  /** Leave out `X-Shopify-Event-Id` (older deliveries have only `X-Shopify-Webhook-Id`). */
  withoutEventId?: boolean;
}

/** A delivery: its raw body and headers (lower-case names, as Node reads them). */
export interface WebhookDelivery {
  rawBody: Buffer;
  headers: Record<string, string>;
}

const numeric = (gid: string): number => Number(gid.split('/').pop());

/** `orders/*` body. */
export function orderPayload(order: OrderRecord): Record<string, unknown> {
  return {
    id: numeric(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    currency: order.currencyCode,
    source_name: order.sourceName,
    line_items: order.lineItems.map((line) => ({
      id: numeric(line.id),
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: line.originalUnitPriceSet.shopMoney.amount,
    })),
  };
}

/** `refunds/create` body. */
export function refundPayload(refund: RefundRecord): Record<string, unknown> {
  return {
    id: numeric(refund.id),
    admin_graphql_api_id: refund.id,
    order_id: numeric(refund.order.id),
    created_at: refund.createdAt,
    transactions: refund.transactions.map((t) => ({
      id: numeric(t.id),
      order_id: numeric(refund.order.id),
      kind: t.kind.toLowerCase(),
      status: t.status.toLowerCase(),
      gateway: t.gateway,
      amount: t.amountSet.shopMoney.amount,
      parent_id: t.parentTransaction ? numeric(t.parentTransaction.id) : null,
    })),
  };
}

/** `returns/*` body. */
export function returnPayload(ret: ReturnRecord): Record<string, unknown> {
  return {
    id: numeric(ret.id),
    admin_graphql_api_id: ret.id,
    name: ret.name,
    status: ret.status.toLowerCase(),
    order: { id: numeric(ret.order.id), admin_graphql_api_id: ret.order.id },
  };
}

/** A signed delivery of `payload` under `topic`. */
export function signedDelivery(
  secret: string,
  shopDomain: string,
  apiVersion: string,
  topic: string,
  payload: unknown,
  options: WebhookOptions = {},
): WebhookDelivery {
  const body = JSON.stringify(payload);
  const signedWith = options.tamper === 'signature' ? `${secret}-wrong` : secret;
  const hmac = createHmac('sha256', signedWith).update(body, 'utf8').digest('base64');
  const raw = options.tamper === 'body' ? body.replace(/}$/, ',"tampered":true}') : body;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-shopify-topic': topic,
    'x-shopify-shop-domain': shopDomain,
    'x-shopify-api-version': apiVersion,
    'x-shopify-webhook-id': randomUUID(),
    'x-shopify-triggered-at': new Date().toISOString(),
  };
  if (!options.withoutEventId) headers['x-shopify-event-id'] = options.eventId ?? randomUUID();
  if (options.tamper !== 'no-signature') headers['x-shopify-hmac-sha256'] = hmac;
  return { rawBody: Buffer.from(raw, 'utf8'), headers };
}
