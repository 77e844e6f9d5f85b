import type { Db } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventData } from '../../../platform/events/catalog';
import { on, type HandleWithEffect } from '../../../platform/events/handlers';
import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { CommerceReturnsMirror, MirroredReturn } from '../../../connectors/commerce/port';
import { ReturnAuthorized, ReturnCanceled, ReturnCompleted, ReturnInspected } from '../../../contracts/events/returns';
import { RefundSucceeded } from '../../../contracts/events/refunds';
import { cumulativeDispositions, mirrorSubject, type MirrorStatus } from './mirror-reads';

/** What every handled event says: the return it is about (a refund's may be none). */
type AboutReturn = { returnId: string | null };

/** What the platform answered: its return id and where the mirror now stands; null when the return is not mirrored. */
type Answer = { source: string; externalReturnId: string; status: MirrorStatus | null } | null;

/** One mirror call on a return already opened on its platform; answers the status it leaves (null: unchanged). */
type MirrorStep = (mirror: CommerceReturnsMirror, ret: MirroredReturn & { externalReturnId: string }) => Promise<MirrorStatus | null>;

/**
 * Shows the graph's returns on their orders' commerce platforms (`CommerceReturnsMirror`), one
 * effect per return event: ReturnAuthorized opens the return; ReturnInspected brings the platform's
 * dispositions up to the cumulative ones in our tables (so a redelivery or a skipped event changes
 * nothing twice); ReturnCompleted closes it; ReturnCanceled cancels it; RefundSucceeded notes the
 * refund (no money moves). Every call is idempotent by our ids, as effects must be: a crash after
 * the call and before the inbox commit repeats it harmlessly. A later event whose return was never
 * opened (mirror added after authorization, an event lost to a dead letter) opens it first. Orders
 * whose platform has no mirror in this process, and orders without a source, are skipped silently.
 */
export function commerceMirrorConsumer(db: Db, mirrors: readonly CommerceReturnsMirror[]): ConsumerDefinition {
  const bySource = new Map(mirrors.map((mirror) => [mirror.source, mirror]));

  /** Opens the return if it has no mirror row yet, then runs `step`; null when the return is not mirrored. */
  async function mirrorCall(returnId: string, step: MirrorStep | null): Promise<Answer> {
    const subject = await mirrorSubject(db, returnId);
    const mirror = subject ? bySource.get(subject.source) : undefined;
    if (!subject || !mirror) return null;
    const externalReturnId = subject.mirror?.external_return_id ?? (await mirror.openReturn(subject.ret)).externalReturnId;
    const status = step ? await step(mirror, { ...subject.ret, externalReturnId }) : null;
    return { source: subject.source, externalReturnId, status: status ?? (subject.mirror ? null : 'OPEN') };
  }

  /** The effect and its record for events about one return. */
  const steps = (step: MirrorStep | null): HandleWithEffect<AboutReturn, Answer> => ({
    effect: (data) => (data.returnId ? mirrorCall(data.returnId, step) : Promise.resolve(null)),
    handle: (tx, data, _event, answer) => (answer && data.returnId ? recordAnswer(tx, data.returnId, answer) : Promise.resolve()),
  });
  const refundNote: HandleWithEffect<EventData<typeof RefundSucceeded>, Answer> = {
    ...steps(null),
    effect: (refund) => {
      const note = { refundId: refund.refundId, amountMinor: refund.amountMinor, currency: refund.currency, provider: null };
      return refund.returnId ? mirrorCall(refund.returnId, async (mirror, ret) => (await mirror.recordRefund(ret, note), null)) : Promise.resolve(null);
    },
  };

  return {
    name: 'returns.commerce-mirror',
    schema: 'returns',
    handlers: [
      on(ReturnAuthorized, steps(null)),
      on(
        ReturnInspected,
        steps(async (mirror, ret) => (await mirror.disposeItems(ret, await cumulativeDispositions(db, ret.returnId)), null)),
      ),
      on(
        ReturnCompleted,
        steps(async (mirror, ret) => (await mirror.closeReturn(ret), 'CLOSED')),
      ),
      on(
        ReturnCanceled,
        steps(async (mirror, ret) => (await mirror.cancelReturn(ret), 'CANCELED')),
      ),
      on(RefundSucceeded, refundNote),
    ],
  };
}

/** Records the platform's answer; a status of null leaves the row's status as it is. */
async function recordAnswer(tx: WriteTx, returnId: string, answer: NonNullable<Answer>): Promise<void> {
  await tx.query(
    `INSERT INTO returns.commerce_mirrors (return_id, source, external_return_id, status) VALUES ($1, $2, $3, coalesce($4, 'OPEN'))
     ON CONFLICT (return_id) DO UPDATE SET external_return_id = EXCLUDED.external_return_id,
       status = coalesce($4, returns.commerce_mirrors.status), updated_at = now()`,
    [returnId, answer.source, answer.externalReturnId, answer.status],
  );
}
