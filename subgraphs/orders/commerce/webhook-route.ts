import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../../platform/db';
import { componentLogger } from '../../../platform/logger';
import { MAX_BODY_BYTES, readRawBody, sendJson } from '../../../platform/http/apollo-handler';
import type { Route } from '../../../platform/http/server';
import { InvalidCommerceWebhookError, type CommerceWebhooks } from '../../../connectors/commerce/port';
import { storeDelivery } from './deliveries';

const log = componentLogger('commerce-webhooks');

/** The path of a source's webhook route. */
export function commerceWebhookPath(source: string): string {
  return `/webhooks/commerce/${source}`;
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
    let raw: Buffer;
    try {
      raw = await readRawBody(req);
    } catch (error) {
      if ((error as { status?: number }).status !== 413) throw error;
      // The rest of the body is not read: close the connection rather than drain a hostile upload.
      res.setHeader('connection', 'close');
      return sendJson(res, 413, { error: `body over ${MAX_BODY_BYTES} bytes` });
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
