import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';
import type { OrderLineRecord, OrderRecord, PaymentRecord } from '../../connectors/commerce/port';

const minor = z.number().int().min(0);
const instant = z.string().datetime({ offset: true });

/**
 * `OrderRecorded` v1: an order as the commerce platform last reported it, whole (event-carried
 * state), so consumers keep their own copy of what they need — the returns subgraph checks return
 * eligibility against it without calling orders at the counter.
 */
export const OrderRecorded = defineEvent(
  'OrderRecorded',
  1,
  z.object({
    orderId: z.string().regex(/^ord_/),
    number: z.string().min(1),
    created: z.boolean(),
    channel: z.enum(['ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE']),
    storeId: z.string().nullable(),
    marketplacePartnerId: z.string().nullable(),
    customerId: z.string().min(1),
    placedAt: instant,
    deliveredAt: instant.nullable(),
    currency: z.string().regex(/^[A-Z]{3}$/),
    shippingMinor: minor,
    shippingTaxMinor: minor,
    totalMinor: minor,
    lines: z
      .array(
        z.object({
          orderLineId: z.string().regex(/^oli_/),
          sku: z.string().min(1),
          category: z.string().min(1),
          quantity: z.number().int().positive(),
          unitPriceMinor: minor,
          discountMinor: minor,
          taxMinor: minor,
          finalSale: z.boolean(),
        }),
      )
      .min(1),
    payments: z.array(
      z.object({
        paymentId: z.string().min(1),
        provider: z.string().min(1),
        providerReference: z.string().min(1),
        method: z.enum(['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH']),
        capturedMinor: minor,
      }),
    ),
  }),
);

export type OrderRecordedData = z.infer<typeof OrderRecorded.schema>;

/** The event data of an order as recorded. */
export function orderRecordedData(order: OrderRecord, lines: readonly OrderLineRecord[], payments: readonly PaymentRecord[], created: boolean): OrderRecordedData {
  return {
    orderId: order.id,
    number: order.number,
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
    })),
  };
}
