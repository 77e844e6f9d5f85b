import { z } from 'zod';
import { isCurrencyCode } from '../../../platform/money';
import { CHANNELS, PAYMENT_METHODS } from '../../../contracts/vocabulary';
import {
  ALWAYS,
  cancelledAfterPlaced,
  deliveredAfterPlaced,
  discountWithinPrice,
  distinctPayments,
  fail,
  lineCount,
  MAX_REFERENCE_LENGTH,
  MAX_SCOPE_ID_LENGTH,
  MAX_SKU_LENGTH,
  MAX_TITLE_LENGTH,
  optionalText,
  quantity,
  requiredText,
  scopeRules,
  slug,
} from './order-input-schema';
import { OrderMessages, UserErrorCode } from './user-errors';

/** An amount already in minor units: a whole, non-negative, safe number, or INVALID_AMOUNT. */
const minor = z.number().superRefine((value, ctx) => {
  if (!Number.isSafeInteger(value) || value < 0) fail(ctx, UserErrorCode.INVALID_AMOUNT, OrderMessages.invalidAmount(String(value), 'minor units'));
});

/**
 * The order model (`NewOrder`, what commerce connectors yield) as a zod schema with the same rules
 * as `recordOrderSchema` — the same helpers, so a rule lives in one place — for amounts already in
 * minor units: text trimmed, slugs lower-cased, every failure an issue with its userError code.
 */
export const newOrderSchema = z
  .object({
    source: slug('source'),
    externalId: requiredText('externalId', MAX_REFERENCE_LENGTH),
    channel: z.enum(CHANNELS),
    storeId: optionalText('storeId', MAX_SCOPE_ID_LENGTH),
    marketplacePartnerId: optionalText('marketplacePartnerId', MAX_SCOPE_ID_LENGTH),
    customerId: requiredText('customerId', MAX_SCOPE_ID_LENGTH),
    customerEmail: optionalText('customerEmail', 320),
    customerName: optionalText('customerName', 200),
    placedAt: z.date(),
    deliveredAt: z.date().nullable(),
    cancelledAt: z.date().nullish(),
    currency: z.string().superRefine((code, ctx) => {
      if (!isCurrencyCode(code)) fail(ctx, UserErrorCode.UNSUPPORTED_CURRENCY, OrderMessages.unsupportedCurrency(code));
    }),
    shipping: z.object({ method: requiredText('shipping.method', 100), amountMinor: minor, taxMinor: minor }).nullable(),
    lines: z
      .array(
        z
          .object({
            sku: requiredText('sku', MAX_SKU_LENGTH),
            title: requiredText('title', MAX_TITLE_LENGTH),
            category: slug('category'),
            quantity,
            unitPriceMinor: minor,
            discountMinor: minor,
            taxMinor: minor,
            finalSale: z.boolean(),
          })
          .superRefine(
            (line, ctx) => discountWithinPrice({ quantity: line.quantity, unitPrice: line.unitPriceMinor, discount: line.discountMinor }, ctx),
            ALWAYS,
          ),
      )
      .superRefine(lineCount, ALWAYS),
    payments: z
      .array(
        z.object({
          provider: slug('provider'),
          providerReference: requiredText('providerReference', MAX_REFERENCE_LENGTH),
          method: z.enum(PAYMENT_METHODS),
          capturedMinor: minor,
          capturedAt: z.date(),
        }),
      )
      .superRefine(distinctPayments, ALWAYS),
  })
  .superRefine(scopeRules, ALWAYS)
  .superRefine(deliveredAfterPlaced, ALWAYS)
  .superRefine(cancelledAfterPlaced, ALWAYS);
