import type { OrderRecordedData } from '../../../contracts/events/orders';
import type { OrderLineRecord, OrderRecord, PaymentRecord } from './order-records';

/** The `OrderRecorded` data of an order as recorded: what other subgraphs may know of it. */
export function orderRecordedData(
  order: OrderRecord,
  lines: readonly OrderLineRecord[],
  payments: readonly PaymentRecord[],
  created: boolean,
): OrderRecordedData {
  return {
    orderId: order.id,
    number: order.number,
    source: order.source,
    externalId: order.externalId,
    cancelledAt: order.cancelledAt ? order.cancelledAt.toISOString() : null,
    created,
    channel: order.channel,
    storeId: order.storeId,
    marketplacePartnerId: order.marketplacePartnerId,
    customerId: order.customerId,
    placedAt: order.placedAt.toISOString(),
    deliveredAt: order.deliveredAt ? order.deliveredAt.toISOString() : null,
    currency: order.currency,
    shippingMinor: order.shippingMinor,
    shippingTaxMinor: order.shippingTaxMinor,
    totalMinor: order.totalMinor,
    lines: lines.map((line) => ({
      orderLineId: line.id,
      sku: line.sku,
      category: line.category,
      quantity: line.quantity,
      unitPriceMinor: line.unitPriceMinor,
      discountMinor: line.discountMinor,
      taxMinor: line.taxMinor,
      finalSale: line.finalSale,
    })),
    payments: payments.map((payment) => ({
      paymentId: payment.id,
      provider: payment.provider,
      providerReference: payment.providerReference,
      method: payment.method,
      capturedMinor: payment.capturedMinor,
      refundedExternallyMinor: payment.refundedExternallyMinor ?? 0,
    })),
  };
}
