import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../../platform/db';
import { componentLogger } from '../../platform/logger';
import { readBody, sendJson } from '../../platform/http/apollo-handler';
import type { Route } from '../../platform/http/server';
import { InvalidWebhookError, type RefundWebhookEvent, type RefundWebhookVerifier } from '../../connectors/payments/port';
import { recordProviderAnswer } from './execution/executor';
import { writeTransaction } from '../../platform/write-path/write-tx';

const log = componentLogger('refund-webhooks');

/**
 * `POST /webhooks/<provider>`: a provider tells us a refund changed. The signature is verified by
 * the provider's verifier (bad or stale → 400, nothing applied; what the verifier records of its
 * own fails → 500, nothing acknowledged, the provider retries); each event id is applied once
 * (a replay answers 200 and changes nothing); the tender is found by the provider's refund id, or
 * by our key echoed in the metadata when the webhook outran our own record of the answer.
 */
export function webhookRoute(db: Db, verifier: RefundWebhookVerifier): Route {
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'POST only' });
    const raw = await readBody(req);
    let events: readonly RefundWebhookEvent[];
    try {
      // Awaited: a verifier may record something of its own (Adyen: report names) that must be
      // durable before the provider hears "accepted"; its failure answers 500 and the provider retries.
      events = await verifier.verify(raw, req.headers);
    } catch (error) {
      if (error instanceof InvalidWebhookError) return sendJson(res, 400, { error: error.message });
      throw error;
    }
    // One transaction per event: a batch (Adyen sends several notification items at once) is
    // applied item by item, each deduplicated on its own, so a redelivered batch that is partly
    // new applies only the new items.
    const outcomes: string[] = [];
    for (const event of events) outcomes.push(await applyWebhookEvent(db, verifier.provider, event));
    if (verifier.acknowledgement !== undefined) {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(verifier.acknowledgement);
      return;
    }
    sendJson(res, 200, { status: outcomes.length === 0 ? 'ignored' : outcomes.length === 1 ? outcomes[0] : outcomes });
  };
}

/** Applies one verified event once: `applied`, `duplicate`, `unknown refund` or `earlier attempt`. */
async function applyWebhookEvent(db: Db, provider: string, verified: RefundWebhookEvent): Promise<string> {
  const outcome = await writeTransaction(db, 'refunds', async (tx) => {
    const fresh = await tx.query(`INSERT INTO refunds.webhook_events (provider, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
      provider,
      verified.eventId,
    ]);
    if (fresh.rowCount === 0) return 'duplicate';
    const ours = tenderKeyParts(verified.refundId);
    const { rows } = await tx.query<{ id: string; refund_id: string; generation: number; provider_refund_id: string | null }>(
      `SELECT id, refund_id, generation, provider_refund_id FROM refunds.refund_tenders WHERE provider = $1 AND (provider_refund_id = $2 OR id = $3) LIMIT 1`,
      [provider, verified.refund.providerRefundId, ours?.tenderId ?? null],
    );
    const tender = rows[0];
    if (!tender) return 'unknown refund';
    // Only the tender's current attempt moves it: a late webhook about an earlier, failed
    // generation (retried since, with a new key) must not fail the attempt now at the provider.
    const current = ours ? ours.generation === tender.generation : tender.provider_refund_id === verified.refund.providerRefundId;
    if (!current) return 'earlier attempt';
    await recordProviderAnswer(tx, tender.id, tender.refund_id, verified.refund);
    return 'applied';
  });
  log.info({ provider, event: verified.eventId, outcome }, 'refund webhook');
  return outcome;
}

/** Tender id and generation of our provider key (`tenderRefundKey`) echoed in a webhook, or null. */
function tenderKeyParts(key: string | null): { tenderId: string; generation: number } | null {
  const match = key ? /^(rft_\w+):g(\d+)$/.exec(key) : null;
  return match ? { tenderId: match[1] as string, generation: Number(match[2]) } : null;
}
