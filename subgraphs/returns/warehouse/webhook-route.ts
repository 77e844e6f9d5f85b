import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../../platform/db';
import { componentLogger } from '../../../platform/logger';
import { MAX_BODY_BYTES, readBody, sendJson } from '../../../platform/http/apollo-handler';
import type { Route } from '../../../platform/http/server';
import { InvalidWarehouseWebhookError, type WarehouseConnector, type WarehouseLineError } from '../../../connectors/warehouse/port';
import { applyWarehouseMessage } from './apply';
import { WarehouseApplyCode, WarehouseApplyMessages, type WarehouseMessageError } from './outcome';

const log = componentLogger('warehouse-webhook');

/** The path the route is served at on the returns subgraph's port. */
export const WAREHOUSE_WEBHOOK_PATH = '/webhooks/warehouse';

/**
 * `POST /webhooks/warehouse`: a warehouse reports one receipt or inspection. Verify (401, the
 * same for an unknown warehouse, a bad signature and a stale timestamp) → read (422 naming the
 * failing lines) → apply once (200 `{status: 'applied' | 'duplicate', messageId}`, or 422 with the
 * lines the lifecycle refused; nothing applied). Bodies over 1 MiB: 413.
 */
export function warehouseWebhookRoute(db: Db, connector: WarehouseConnector): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return sendJson(res, 413, { error: 'Request body too large.' });
    let raw: string;
    try {
      raw = await readBody(req);
    } catch (error) {
      if ((error as { status?: number }).status === 413) return sendJson(res, 413, { error: 'Request body too large.' });
      throw error;
    }
    let warehouseId: string;
    try {
      warehouseId = connector.verifyWebhook(raw, req.headers).warehouseId;
    } catch (error) {
      if (!(error instanceof InvalidWarehouseWebhookError)) throw error;
      log.warn({ reason: error.reason }, 'warehouse webhook refused');
      return sendJson(res, 401, { error: 'Invalid or missing warehouse signature.' });
    }
    const parsed = connector.parseWebhook(raw);
    const message = parsed.messages[0];
    if (!message) return sendJson(res, 422, { errors: parsed.errors.map(senderError) });
    if (message.warehouseId !== warehouseId) {
      return sendJson(res, 422, {
        errors: [{ lineNumber: null, code: WarehouseApplyCode.WAREHOUSE_MISMATCH, message: WarehouseApplyMessages.warehouseMismatch }],
      });
    }
    const outcome = await applyWarehouseMessage(db, message);
    log.info({ warehouseId, messageId: message.messageId, status: outcome.status }, 'warehouse webhook');
    if (outcome.status === 'rejected') return sendJson(res, 422, { messageId: outcome.messageId, errors: outcome.errors });
    sendJson(res, 200, { status: outcome.status, messageId: outcome.messageId });
  };
}

const senderError = ({ lineNumber, code, message }: WarehouseLineError): WarehouseMessageError => ({ lineNumber, code, message });
