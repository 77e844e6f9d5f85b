import type { Queryable } from '../../../platform/db';
import type { ConsumerDefinition } from '../../../platform/events/consumer';
import type { EventData } from '../../../platform/events/catalog';
import { on } from '../../../platform/events/handlers';
import type { ErpCreditMemo } from '../../../connectors/erp/port';
import { RefundSucceeded } from '../../../contracts/events/refunds';
import { recordPosting } from '../erp-posting/posting-queue';

type Succeeded = EventData<typeof RefundSucceeded>;

/** Builds the ERP credit memo of a succeeded refund from its breakdown and tenders. */
export async function creditMemoOf(db: Queryable, refund: Succeeded, occurredAt: string): Promise<ErpCreditMemo> {
  const { rows: lines } = await db.query<{
    kind: string;
    sku: string | null;
    quantity: number;
    merchandise_minor: number;
    discount_minor: number;
    tax_minor: number;
    restocking_fee_minor: number;
    total_minor: number;
  }>(
    `SELECT kind, sku, quantity, merchandise_minor, discount_minor, tax_minor, restocking_fee_minor, total_minor FROM refunds.refund_lines WHERE refund_id = $1 ORDER BY position`,
    [refund.refundId],
  );
  const { rows: tenders } = await db.query<{ method: string; amount_minor: number }>(
    `SELECT method, amount_minor FROM refunds.refund_tenders WHERE refund_id = $1 AND status = 'SUCCEEDED' ORDER BY position`,
    [refund.refundId],
  );
  const { rows: orders } = await db.query<{ number: string; customer_id: string }>(
    `SELECT number, customer_id FROM refunds.order_snapshots WHERE order_id = $1`,
    [refund.orderId],
  );
  const shipping = lines.find((line) => line.kind === 'SHIPPING');
  // A manual override that lowers a refund is money the retailer keeps, booked like a fee; one
  // that pays without returned units (goodwill) is a line of its own.
  const kept = lines.filter((line) => line.kind === 'ADJUSTMENT').reduce((sum, line) => sum + line.discount_minor, 0);
  const goodwill = lines.filter((line) => line.kind === 'ADJUSTMENT' && line.merchandise_minor > 0);
  return {
    refundId: refund.refundId,
    orderId: refund.orderId,
    returnId: refund.returnId,
    orderNumber: orders[0]?.number,
    customerId: orders[0]?.customer_id ?? null,
    currency: refund.currency,
    lines: [
      ...lines
        .filter((line) => line.kind === 'LINE')
        .map((line) => ({
          sku: line.sku ?? undefined,
          description: `${line.quantity} x ${line.sku}`,
          netMinor: line.merchandise_minor - line.discount_minor,
          taxMinor: line.tax_minor,
        })),
      ...goodwill.map((line) => ({ description: 'Goodwill adjustment', netMinor: line.merchandise_minor, taxMinor: 0 })),
    ],
    shippingMinor: shipping?.merchandise_minor ?? 0,
    shippingTaxMinor: shipping?.tax_minor ?? 0,
    restockingFeeMinor: lines.reduce((sum, line) => sum + line.restocking_fee_minor, 0) + kept,
    totalMinor: refund.amountMinor,
    tenders: tenders.map((tender) => ({ method: tender.method, amountMinor: tender.amount_minor })),
    occurredAt,
  };
}

/**
 * Records the ERP posting of each succeeded refund's credit memo, in the consumer's transaction (so
 * exactly once, through the inbox): the memo as the ERP will receive it and its place in the
 * posting queue. The ERP is not called here: the posting worker (`erp-posting/`) drains the
 * queue in order, so an ERP outage queues postings instead of dead-lettering them.
 */
export function creditMemosConsumer(): ConsumerDefinition {
  return {
    name: 'refunds.credit-memos',
    schema: 'refunds',
    handlers: [
      on(RefundSucceeded, async (tx, refund, event) => {
        await recordPosting(tx, await creditMemoOf(tx, refund, event.occurredAt), event.id, event.correlationId);
      }),
    ],
  };
}
