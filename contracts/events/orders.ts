import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';
import { channel, currencyCode, paymentMethod } from '../vocabulary';

const minor = z.number().int().min(0);
const instant = z.string().datetime({ offset: true });

/**
 * `OrderRecorded` v1: an order as the commerce platform last reported it, whole (event-carried
 * state), so consumers keep their own copy of what they need — the returns subgraph checks return
 * eligibility against it without calling orders at the counter. `source`, `externalId`,
 * `cancelledAt` and each payment's `refundedExternallyMinor` came later (issue 12) and are optional,
 * so events stored before them still parse.
 */
export const OrderRecorded = defineEvent(
  'OrderRecorded',
  1,
  z.object({
    orderId: z.string().regex(/^ord_/),
    number: z.string().min(1),
    /** The commerce platform the order came from (`NewOrder.source`). */
    source: z.string().min(1).optional(),
    /** The order's id on that platform: what a commerce mirror names the order by. */
    externalId: z.string().min(1).optional(),
    /** When the platform cancelled the order; null while it stands. */
    cancelledAt: instant.nullable().optional(),
    created: z.boolean(),
    channel,
    storeId: z.string().nullable(),
    marketplacePartnerId: z.string().nullable(),
    customerId: z.string().min(1),
    placedAt: instant,
    deliveredAt: instant.nullable(),
    currency: currencyCode,
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
        method: paymentMethod,
        capturedMinor: minor,
        /** What the platform refunded of this capture itself (outside the graph); the graph never pays it again. */
        refundedExternallyMinor: minor.optional(),
      }),
    ),
  }),
);

export type OrderRecordedData = z.infer<typeof OrderRecorded.schema>;
