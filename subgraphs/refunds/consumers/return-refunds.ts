import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import { on } from '../../../platform/events/handlers';
import { ReturnInspected, ReturnItemsReceived } from '../../../contracts/events/returns';
import { calcReturnLines, returnSnapshot } from '../calculation-inputs';
import { createRefund } from '../create-refund';
import { refundsAtReceipt } from '../trigger-policy';
import type { RefundMethod } from '../../../contracts/vocabulary';

/**
 * Refunds returns automatically: a low-risk return when all its units are received, any other
 * when all are inspected. Exactly one refund per trigger: the trigger key (`receipt:` or
 * `inspection:` + return id) is unique, and a return refunded at receipt is not refunded again at
 * inspection — however often either event is delivered.
 */
export const returnRefundsConsumer: ConsumerDefinition = {
  name: 'refunds.return-refunds',
  schema: 'refunds',
  handlers: [
    on(ReturnItemsReceived, async (tx, data) => {
      if (data.fullyReceived) await refundReturn(tx, data.returnId, 'RECEIPT');
    }),
    on(ReturnInspected, async (tx, data) => {
      if (data.fullyInspected) await refundReturn(tx, data.returnId, 'INSPECTION');
    }),
  ],
};

/** Refunds a return whose units all arrived (RECEIPT, low-risk returns only) or were all inspected (INSPECTION). */
async function refundReturn(tx: WriteTx, returnId: string, trigger: 'RECEIPT' | 'INSPECTION'): Promise<void> {
  const ret = await returnSnapshot(tx, returnId);
  // ReturnAuthorized comes first from the same publisher; if it has not arrived, retry shortly.
  if (!ret) throw new Error(`return ${returnId} is not known to refunds yet`);
  const atReceipt = refundsAtReceipt(ret.fraud_outcome, ret.value_minor);
  if (trigger === 'RECEIPT' && !atReceipt) return;
  if (trigger === 'INSPECTION') {
    const { rowCount } = await tx.query(`SELECT 1 FROM refunds.refunds WHERE trigger_key = $1`, [`receipt:${ret.return_id}`]);
    if (rowCount > 0) return;
  }
  const result = await createRefund(tx, {
    orderId: ret.order_id,
    returnId: ret.return_id,
    trigger,
    triggerKey: `${trigger.toLowerCase()}:${ret.return_id}`,
    refundMethod: (ret.refund_method ?? 'ORIGINAL_PAYMENT') as RefundMethod,
    returnLines: calcReturnLines(ret),
    requestedBy: 'refunds.return-refunds',
    secondApproverAboveMinor: null,
  });
  if (!result.ok) throw new Error(`cannot refund return ${ret.return_id}: ${result.code}: ${result.message}`);
}
