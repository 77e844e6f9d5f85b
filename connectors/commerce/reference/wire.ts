import { z } from 'zod';
import type { NewOrder } from '../../../contracts/orders';
import { channel, currencyCode, paymentMethod } from '../../../contracts/vocabulary';
import type { CommerceRefund } from '../port';

/**
 * The reference shop's wire format: what its webhook bodies and stored orders look like. An order
 * is the graph's `NewOrder` as JSON (dates as ISO-8601 text); the shop is ours, so it speaks the
 * graph's model rather than a platform's own, and the adapter only revives the dates.
 */

const instant = z
  .string()
  .datetime({ offset: true })
  .transform((text) => new Date(text));
const minor = z.number().int().min(0);

/** `NewOrder` as JSON, read back with its dates revived; anything else is refused. */
export const newOrderJson = z.object({
  source: z.string().min(1),
  externalId: z.string().min(1),
  channel,
  storeId: z.string().nullable(),
  marketplacePartnerId: z.string().nullable(),
  customerId: z.string().min(1),
  customerEmail: z.string().nullable(),
  customerName: z.string().nullable(),
  placedAt: instant,
  deliveredAt: instant.nullable(),
  cancelledAt: instant.nullable().optional(),
  currency: currencyCode,
  shipping: z.object({ method: z.string(), amountMinor: minor, taxMinor: minor }).nullable(),
  lines: z.array(
    z.object({
      sku: z.string(),
      title: z.string(),
      category: z.string(),
      quantity: z.number().int(),
      unitPriceMinor: minor,
      discountMinor: minor,
      taxMinor: minor,
      finalSale: z.boolean(),
    }),
  ),
  payments: z.array(z.object({ provider: z.string(), providerReference: z.string(), method: paymentMethod, capturedMinor: minor, capturedAt: instant })),
}) satisfies z.ZodType<NewOrder, unknown>;

/** Body of `orders/create`, `orders/updated` and `orders/cancelled`: the whole order as of `updatedAt`. */
export const orderBody = z.object({ order: newOrderJson, updatedAt: instant });

/** Body of `refunds/create`: a refund the shop issued itself. */
export const refundBody = z.object({
  refund: z.object({
    externalId: z.string().min(1),
    orderExternalId: z.string().min(1),
    transactions: z.array(z.object({ provider: z.string().min(1), providerReference: z.string().min(1), amountMinor: z.number().int().positive() })).min(1),
    refundedAt: instant,
  }),
}) satisfies z.ZodType<{ refund: CommerceRefund }, unknown>;

/** Body of `returns/*`: the shop's own return changed (e.g. a merchant closed it by hand). */
export const returnBody = z.object({
  return: z.object({ orderExternalId: z.string().min(1), externalReturnId: z.string().min(1), status: z.string().min(1), updatedAt: instant.nullable() }),
});

/** The order topics; each carries the whole order. */
export const ORDER_TOPICS: readonly string[] = ['orders/create', 'orders/updated', 'orders/cancelled'];
/** The refund topic. */
export const REFUND_TOPIC = 'refunds/create';
/** Prefix of the return topics (`returns/close`, `returns/cancel`, …). */
export const RETURN_TOPIC_PREFIX = 'returns/';
