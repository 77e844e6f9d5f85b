import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { InvalidCommerceWebhookError, type CommerceDelivery } from '../port';

/**
 * The reference shop signs its webhooks the way Shopify does, so both adapters have the same
 * contract: HMAC-SHA256 of the raw body with a shared secret, base64, in a header; the event id,
 * topic and time in headers beside it.
 */
export const REFERENCE_HEADERS = {
  signature: 'x-reference-signature',
  eventId: 'x-reference-event-id',
  topic: 'x-reference-topic',
  triggeredAt: 'x-reference-triggered-at',
} as const;

/** Shortest webhook secret accepted: an HMAC key shorter than this is guessable. */
export const MIN_SECRET_LENGTH = 16;

/** The signature of `raw` under `secret`, as the header carries it. */
export function signBody(raw: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

function header(headers: IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text && text.trim() ? text.trim() : null;
}

/**
 * Checks the signature in constant time (401 when missing or wrong), then reads the event id and
 * topic (400 when missing). Nothing about the body is trusted before the signature passes.
 */
export function verifySigned(raw: Buffer, headers: IncomingHttpHeaders, secret: string): CommerceDelivery {
  const given = header(headers, REFERENCE_HEADERS.signature);
  if (!given) throw new InvalidCommerceWebhookError('missing signature', 401);
  const expected = Buffer.from(signBody(raw, secret), 'base64');
  const received = Buffer.from(given, 'base64');
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) throw new InvalidCommerceWebhookError('signature mismatch', 401);
  const deliveryId = header(headers, REFERENCE_HEADERS.eventId);
  const topic = header(headers, REFERENCE_HEADERS.topic);
  if (!deliveryId || !topic) throw new InvalidCommerceWebhookError('missing event id or topic', 400);
  const at = header(headers, REFERENCE_HEADERS.triggeredAt);
  const occurredAt = at && !Number.isNaN(Date.parse(at)) ? new Date(at) : null;
  return { deliveryId, topic, occurredAt };
}

/** Headers of a delivery signed with `secret`. */
export function signedHeaders(raw: Buffer, secret: string, delivery: { deliveryId: string; topic: string; occurredAt: Date }): IncomingHttpHeaders {
  return {
    'content-type': 'application/json',
    [REFERENCE_HEADERS.signature]: signBody(raw, secret),
    [REFERENCE_HEADERS.eventId]: delivery.deliveryId,
    [REFERENCE_HEADERS.topic]: delivery.topic,
    [REFERENCE_HEADERS.triggeredAt]: delivery.occurredAt.toISOString(),
  };
}
