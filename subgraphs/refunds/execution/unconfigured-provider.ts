import type { Db } from '../../../platform/db';
import { writeTransaction, type WriteTx } from '../../../platform/write-path/write-tx';
import type { ProviderRefund } from '../../../connectors/payments/port';
import { componentLogger } from '../../../platform/logger';
import { TenderExceptionCode, TenderExceptionMessages } from '../user-errors';

/** How a provider's answer is recorded on a tender (the executor's `recordProviderAnswer`, passed in to keep the import one-way). */
export type RecordAnswer = (tx: WriteTx, tenderId: string, refundId: string, answer: ProviderRefund) => Promise<void>;

const log = componentLogger('refund-executor');

/**
 * How often a tender held for a missing connector is looked at again: connectors are configured at
 * start-up, so after a fix and a restart the tender proceeds within this long — rarely enough that a
 * forgotten provider costs one cheap query per tender every few minutes, not a busy loop.
 */
export const PROVIDER_RECHECK_MS = 5 * 60_000;

/** The `last_error` pattern of tenders held for a missing connector (the claim picks them up again). */
export const PROVIDER_NOT_CONFIGURED_PATTERN = `${TenderExceptionCode.PROVIDER_NOT_CONFIGURED}:%`;

/** What the hold needs of a claimed tender. */
export interface HeldTender {
  id: string;
  refund_id: string;
  provider: string;
  amount_minor: number;
  currency: string;
  status: string;
  provider_refund_id: string | null;
}

/**
 * A tender whose provider has no connector: nothing was sent anywhere, so no money moved. The first
 * time, it becomes REQUIRES_ACTION with a coded failure reason (the refund rolls up to
 * REQUIRES_ACTION and emits RefundRequiresAction as usual) and the exception is audited; on every
 * re-check it is left as it is until `PROVIDER_RECHECK_MS` later. When the connector is configured
 * the claim picks it up and pays it with its unchanged key (`tenderRefundKey(id, generation)`).
 */
export async function holdForMissingConnector(db: Db, tender: HeldTender, recordAnswer: RecordAnswer): Promise<void> {
  const reason = TenderExceptionMessages.providerNotConfigured(tender.provider);
  const first = tender.status !== 'REQUIRES_ACTION';
  await writeTransaction(db, 'refunds', async (tx) => {
    if (first) {
      await recordAnswer(tx, tender.id, tender.refund_id, {
        providerRefundId: tender.provider_refund_id ?? '',
        status: 'REQUIRES_ACTION',
        amountMinor: tender.amount_minor,
        currency: tender.currency,
        failureReason: reason,
      });
      await tx.audit({
        principal: { subject: 'refund-executor', roles: [] },
        action: 'holdRefundTender',
        target: tender.id,
        details: { refundId: tender.refund_id, provider: tender.provider, reason },
      });
    }
    await tx.query(`UPDATE refunds.refund_tenders SET next_attempt_at = now() + make_interval(secs => $2), updated_at = now() WHERE id = $1`, [
      tender.id,
      PROVIDER_RECHECK_MS / 1000,
    ]);
  });
  const context = { tender: tender.id, refund: tender.refund_id, provider: tender.provider };
  if (first) log.error(context, 'refund tender is an exception: no payment connector is configured for its provider');
  else log.warn(context, 'refund tender still waits for a payment connector for its provider');
}
