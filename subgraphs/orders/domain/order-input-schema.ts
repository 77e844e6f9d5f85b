import { z } from 'zod';
import { isCurrencyCode, parseDecimal, type CurrencyCode } from '../../../platform/money';
import { CHANNELS, PAYMENT_METHODS } from '../../../contracts/vocabulary';
import { lineGross } from './totals';
import { OrderMessages, UserErrorCode } from './user-errors';

/** Slugs: platform names, payment providers and categories, lower case so they compare exactly. */
const SLUG = /^[a-z0-9_-]{1,40}$/;
/** Longest free-text identifier we store (external ids, provider references); matches the SQL CHECKs. */
export const MAX_REFERENCE_LENGTH = 255;
/** Longest id of a customer, store or partner; matches the SQL CHECKs. */
export const MAX_SCOPE_ID_LENGTH = 64;
/** Longest sku; matches the SQL CHECK. */
export const MAX_SKU_LENGTH = 64;
/** Longest line title; matches the SQL CHECK. */
export const MAX_TITLE_LENGTH = 255;
/** Largest quantity on one line; a bigger number is a typo or an attack, not a retail order. */
const MAX_QUANTITY = 100_000;
/** Most lines on one order; keeps one ingestion bounded. */
export const MAX_LINES = 1000;

/**
 * The rules that relate fields run even when a field already failed, so every failure of an
 * input is reported at once (zod skips refinements after an issue unless told otherwise).
 */
export const ALWAYS = { when: () => true };

/** Anything a zod refinement or transform can add an issue to. */
export type IssueSink = Pick<z.RefinementCtx, 'addIssue'>;

/**
 * Adds a business-rule failure to the parse: its userError code rides in `params`, its path is
 * relative to the value being checked (the field itself when omitted).
 */
export function fail(ctx: IssueSink, code: UserErrorCode, message: string, path?: (string | number)[]): void {
  ctx.addIssue({ code: 'custom', message, params: { code }, ...(path ? { path } : {}) });
}

/** The order's currency, upper-cased, or null when it is not one of `CURRENCY_CODES`. */
export function normaliseCurrency(code: string): CurrencyCode | null {
  const normalised = code.trim().toUpperCase();
  return isCurrencyCode(normalised) ? normalised : null;
}

/** Required text, trimmed: blank or longer than `max` is refused. */
export const requiredText = (what: string, max: number) =>
  z.string().transform((value, ctx) => {
    const trimmed = value.trim();
    if (!trimmed) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.blank(what));
    else if (trimmed.length > max) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.tooLong(what, max));
    return trimmed;
  });

/** Optional text, trimmed; blank is null, longer than `max` is refused. */
export const optionalText = (what: string, max: number) =>
  z
    .string()
    .nullish()
    .transform((value, ctx) => {
      const trimmed = (value ?? '').trim();
      if (!trimmed) return null;
      if (trimmed.length > max) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.tooLong(what, max));
      return trimmed;
    });

/** A slug, lower-cased. */
export const slug = (what: string) =>
  z.string().transform((value, ctx) => {
    const normalised = value.trim().toLowerCase();
    if (!SLUG.test(normalised)) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.badPattern(what, '1 to 40 letters, digits, "_" or "-"'));
    return normalised;
  });

/** `value` in minor units of `currency`, or null when it is not a non-negative decimal in its precision. */
function readAmount(value: string, currency: CurrencyCode): number | null {
  try {
    const minor = parseDecimal(value.trim(), currency);
    return minor >= 0 ? minor : null;
  } catch {
    return null;
  }
}

/**
 * A decimal amount, in minor units of the order's currency; absent is zero. Without a currency
 * (already refused) an amount cannot be read, so it is not judged. One that does not parse is
 * reported and becomes `z.NEVER`.
 */
const amount = (currency: CurrencyCode | null) =>
  z
    .string()
    .nullish()
    .transform((value, ctx) => {
      if (value === null || value === undefined || currency === null) return 0;
      const minor = readAmount(value, currency);
      if (minor !== null) return minor;
      fail(ctx, UserErrorCode.INVALID_AMOUNT, OrderMessages.invalidAmount(value, currency));
      return z.NEVER;
    });

export const quantity = z.number().superRefine((value, ctx) => {
  if (!Number.isInteger(value) || value < 1 || value > MAX_QUANTITY) fail(ctx, UserErrorCode.INVALID_QUANTITY, OrderMessages.invalidQuantity(value));
});

/** DISCOUNT_EXCEEDS_PRICE when a line's discount is above its price x quantity. */
export function discountWithinPrice(line: { quantity: number; unitPrice: number; discount: number }, ctx: IssueSink): void {
  // An amount that did not parse is not a number here and is already reported; comparing it would be noise.
  if (line.quantity < 1 || !Number.isSafeInteger(line.unitPrice) || !Number.isSafeInteger(line.discount)) return;
  if (line.discount > lineGross({ quantity: line.quantity, unitPriceMinor: line.unitPrice })) {
    fail(ctx, UserErrorCode.DISCOUNT_EXCEEDS_PRICE, OrderMessages.discountExceedsPrice, ['discount']);
  }
}

/** NO_LINES for an empty order; a cap on lines keeps one ingestion bounded. */
export function lineCount(lines: readonly unknown[], ctx: IssueSink): void {
  if (lines.length === 0) fail(ctx, UserErrorCode.NO_LINES, OrderMessages.noLines);
  if (lines.length > MAX_LINES) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.tooLong('lines', MAX_LINES));
}

/** DUPLICATE_PAYMENT on the second listing of one provider's payment. */
export function distinctPayments(payments: readonly { provider: string; providerReference: string }[] | null | undefined, ctx: IssueSink): void {
  const seen = new Set<string>();
  (payments ?? []).forEach((payment, index) => {
    const key = `${payment.provider}\u0000${payment.providerReference}`;
    if (seen.has(key)) fail(ctx, UserErrorCode.DUPLICATE_PAYMENT, OrderMessages.duplicatePayment, [index, 'providerReference']);
    seen.add(key);
  });
}

/** The order's scope rules: a POS order names its store, and only a MARKETPLACE order (which must) names a partner. */
export function scopeRules(order: { channel: string; storeId: string | null; marketplacePartnerId: string | null }, ctx: IssueSink): void {
  if (order.channel === 'POS' && !order.storeId) fail(ctx, UserErrorCode.STORE_REQUIRED, OrderMessages.storeRequired, ['storeId']);
  if (order.channel === 'MARKETPLACE' && !order.marketplacePartnerId) {
    fail(ctx, UserErrorCode.MARKETPLACE_PARTNER_REQUIRED, OrderMessages.partnerRequired, ['marketplacePartnerId']);
  }
  if (order.channel !== 'MARKETPLACE' && order.marketplacePartnerId) {
    fail(ctx, UserErrorCode.MARKETPLACE_PARTNER_NOT_ALLOWED, OrderMessages.partnerNotAllowed, ['marketplacePartnerId']);
  }
}

/** CANCELLED_BEFORE_PLACED is not a code of its own: a cancellation before the sale is an INVALID_VALUE. */
export function cancelledAfterPlaced(order: { placedAt: Date; cancelledAt?: Date | null }, ctx: IssueSink): void {
  if (!(order.placedAt instanceof Date) || !(order.cancelledAt instanceof Date)) return;
  if (order.cancelledAt.getTime() < order.placedAt.getTime()) fail(ctx, UserErrorCode.INVALID_VALUE, OrderMessages.cancelledBeforePlaced, ['cancelledAt']);
}

/** DELIVERED_BEFORE_PLACED when the delivery date precedes the order. */
export function deliveredAfterPlaced(order: { placedAt: Date; deliveredAt?: Date | null }, ctx: IssueSink): void {
  // Runs even when a date itself was refused (ALWAYS), so it compares only real dates.
  if (!(order.placedAt instanceof Date) || !(order.deliveredAt instanceof Date)) return;
  if (order.deliveredAt.getTime() < order.placedAt.getTime()) {
    fail(ctx, UserErrorCode.DELIVERED_BEFORE_PLACED, OrderMessages.deliveredBeforePlaced, ['deliveredAt']);
  }
}

type RecordOrderSchema = ReturnType<typeof buildSchema>;

/** One schema per supported currency and one for an unsupported currency: a bounded, pure memo. */
const schemas = new Map<CurrencyCode | null, RecordOrderSchema>();

/**
 * `RecordOrderInput` as a zod schema for an order in `currency` (null: the input's currency is not
 * supported, which the schema reports): text trimmed, slugs lower-cased, amounts in minor units,
 * and every rule failure an issue with its userError code in `params` and its path into the input.
 * Built once per currency: building a zod schema costs milliseconds, parsing with it microseconds.
 */
export function recordOrderSchema(currency: CurrencyCode | null): RecordOrderSchema {
  let schema = schemas.get(currency);
  if (!schema) {
    schema = buildSchema(currency);
    schemas.set(currency, schema);
  }
  return schema;
}

/** The schema itself; see `recordOrderSchema`. */
function buildSchema(currency: CurrencyCode | null) {
  const money = amount(currency);
  const line = z
    .object({
      sku: requiredText('sku', MAX_SKU_LENGTH),
      title: requiredText('title', MAX_TITLE_LENGTH),
      category: slug('category'),
      quantity,
      unitPrice: money,
      discount: money,
      tax: money,
      finalSale: z.boolean().nullish(),
    })
    .superRefine(discountWithinPrice, ALWAYS);
  const payment = z.object({
    provider: slug('provider'),
    providerReference: requiredText('providerReference', MAX_REFERENCE_LENGTH),
    method: z.enum(PAYMENT_METHODS),
    capturedAmount: money,
    capturedAt: z.date(),
  });
  return z
    .object({
      currencyCode: z.string().transform((raw, ctx) => {
        if (currency !== null) return currency;
        fail(ctx, UserErrorCode.UNSUPPORTED_CURRENCY, OrderMessages.unsupportedCurrency(raw));
        return z.NEVER;
      }),
      source: slug('source'),
      externalId: requiredText('externalId', MAX_REFERENCE_LENGTH),
      channel: z.enum(CHANNELS),
      storeId: optionalText('storeId', MAX_SCOPE_ID_LENGTH),
      marketplacePartnerId: optionalText('marketplacePartnerId', MAX_SCOPE_ID_LENGTH),
      customer: z.object({
        id: requiredText('customer.id', MAX_SCOPE_ID_LENGTH),
        email: optionalText('customer.email', 320),
        name: optionalText('customer.name', 200),
      }),
      placedAt: z.date(),
      deliveredAt: z.date().nullish(),
      cancelledAt: z.date().nullish(),
      lines: z.array(line).superRefine(lineCount, ALWAYS),
      shipping: z.object({ method: requiredText('shipping.method', 100), amount: money, tax: money }).nullish(),
      payments: z.array(payment).nullish().superRefine(distinctPayments, ALWAYS),
    })
    .superRefine(scopeRules, ALWAYS)
    .superRefine(deliveredAfterPlaced, ALWAYS)
    .superRefine(cancelledAfterPlaced, ALWAYS);
}

/** What `recordOrderSchema` makes of a valid input. */
export type ParsedRecordOrder = z.output<RecordOrderSchema>;
