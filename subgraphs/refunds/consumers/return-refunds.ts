import type { Queryable } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventEnvelope } from '../../../platform/events/envelope';
import { ReturnInspected, ReturnItemsReceived } from '../../../contracts/events/returns';
import { calcReturnLines, returnSnapshot } from '../calculation-inputs';
import { createRefund } from '../create-refund';
import { refundsAtReceipt } from '../trigger-policy';
import type { RefundMethod } from '../../../contracts/vocabulary';

type Received = (typeof ReturnItemsReceived.schema)['_output'];
type Inspected = (typeof ReturnInspected.schema)['_output'];

/**
 * Refunds returns automatically: a low-risk return when all its units are received, any other
 * when all are inspected. Exactly one refund per trigger: the trigger key (`receipt:` or
 * `inspection:` + return id) is unique, and a return refunded at receipt is not refunded again at
 * inspection — however often either event is delivered.
 */
export const returnRefundsConsumer: ConsumerDefinition = {
  name: 'refunds.return-refunds',
  schema: 'refunds',
  types: [ReturnItemsReceived.type, ReturnInspected.type],
  async handle(tx: Queryable, event: EventEnvelope) {
    const data = event.data as Received | Inspected;
    const complete = event.type === ReturnItemsReceived.type ? (data as Received).fullyReceived : (data as Inspected).fullyInspected;
    if (!complete) return;
    const ret = await returnSnapshot(tx, data.returnId);
    // ReturnAuthorized comes first from the same publisher; if it has not arrived, retry shortly.
    if (!ret) throw new Error(`return ${data.returnId} is not known to refunds yet`);
    const atReceipt = refundsAtReceipt(ret.fraud_outcome, ret.value_minor);
    if (event.type === ReturnItemsReceived.type && !atReceipt) return;
    if (event.type === ReturnInspected.type) {
      const { rowCount } = await tx.query(`SELECT 1 FROM refunds.refunds WHERE trigger_key = $1`, [`receipt:${ret.return_id}`]);
      if (rowCount > 0) return;
    }
    const trigger = event.type === ReturnItemsReceived.type ? 'RECEIPT' : 'INSPECTION';
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
  },
};
