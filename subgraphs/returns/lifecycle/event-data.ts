import type { Queryable } from '../../../platform/db';
import type { ReturnEventHeader } from '../../../contracts/events/returns';
import type { ReturnForUpdate } from './lifecycle-queries';

/** The data of ReturnRequested / ReturnAuthorized: the decision and every line. */
export async function authorizedEventData(tx: Queryable, ret: ReturnForUpdate, header: ReturnEventHeader) {
  const { rows: lines } = await tx.query<{
    id: string;
    order_line_id: string;
    sku: string;
    quantity: number;
    reason: string;
    net_value_minor: number;
    restocking_fee_minor: number;
  }>(
    `SELECT id, order_line_id, sku, quantity, reason, net_value_minor, restocking_fee_minor FROM returns.return_lines WHERE return_id = $1 ORDER BY position, id`,
    [ret.id],
  );
  return {
    ...header,
    destinationLocationId: ret.destination_location_id,
    refundMethod: ret.refund_method,
    valueMinor: ret.value_minor,
    currency: ret.currency,
    fraudOutcome: (ret.fraud_outcome ?? 'APPROVE') as 'APPROVE' | 'REVIEW' | 'DECLINE',
    lines: lines.map((line) => ({
      returnLineId: line.id,
      orderLineId: line.order_line_id,
      sku: line.sku,
      quantity: line.quantity,
      reason: line.reason,
      netValueMinor: line.net_value_minor,
      restockingFeeMinor: line.restocking_fee_minor,
    })),
  };
}
