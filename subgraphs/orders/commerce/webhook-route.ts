import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../../platform/db';
import { componentLogger } from '../../../platform/logger';
import { sendJson } from '../../../platform/http/apollo-handler';
import type { Route } from '../../../platform/http/server';
import { InvalidCommerceWebhookError, type CommerceWebhooks } from '../../../connectors/commerce/port';
import { storeDelivery } from './deliveries';

const log = componentLogger('commerce-webhooks');

/** Largest delivery accepted: platforms send orders of at most a few hundred kilobytes (Shopify caps payloads well below this). */
export const MAX_DELIVERY_BYTES = 1024 * 1024;

/** The path of a source's webhook route. */
export function commerceWebhookPath(source: string): string {
  return `/webhooks/commerce/${source}`;
}

/** The raw body up to `MAX_DELIVERY_BYTES`, or null when it is larger; bytes exactly as signed (no decoding). */
async function readRaw(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_DELIVERY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * `POST /webhooks/commerce/<source>`: verifies a delivery with the adapter (401 bad signature,
 * 400 unreadable headers; nothing stored), stores it in the inbox once per (source, delivery id)
 * and answers 200 at once — a duplicate too, so the platform stops retrying — then wakes the
 * intake worker. Applying happens after the answer: a platform that times out its webhooks in
 * seconds never waits on our database work or on its own API.
 */
export function commerceWebhookRoute(db: Db, webhooks: CommerceWebhooks, wake: () => void): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const raw = await readRaw(req);
    if (!raw) {
      // The rest of the body is not read: close the connection rather than drain a hostile upload.
      res.setHeader('connection', 'close');
      return sendJson(res, 413, { error: `body over ${MAX_DELIVERY_BYTES} bytes` });
    }
    let delivery;
    try {
      delivery = webhooks.verify(raw, req.headers);
    } catch (error) {
      if (!(error instanceof InvalidCommerceWebhookError)) throw error;
      log.warn({ source: webhooks.source, status: error.status, reason: error.message }, 'commerce delivery refused');
      return sendJson(res, error.status, { error: error.message });
    }
    const fresh = await storeDelivery(db, webhooks.source, delivery, raw);
    log.info({ source: webhooks.source, delivery: delivery.deliveryId, topic: delivery.topic, duplicate: !fresh }, 'commerce delivery received');
    sendJson(res, 200, { status: fresh ? 'accepted' : 'duplicate' });
    if (fresh) wake();
  };
}
