import { isCurrencyCode, parseDecimal } from '../../../platform/money';
import type { NewOrder, NewOrderLine, NewPayment } from '../../../contracts/orders';
import type { RecordOrderInput } from './record-order-input';
import { lineGross, orderTotals } from './totals';
import { OrderMessages, UserErrorCode, userError, type UserError } from './user-errors';
import { formatMinor } from '../../../platform/money';

/** Field paths start at the mutation argument, e.g. `["input", "lines", "0", "quantity"]`. */
const INPUT = 'input';

/** Slugs: platform names, payment providers and categories, lower case so they compare exactly. */
const SLUG = /^[a-z0-9_-]{1,40}$/;
/** Longest free-text identifier we store (external ids, provider references); matches the SQL CHECKs. */
const MAX_REFERENCE_LENGTH = 255;
/** Longest id of a customer, store or partner; matches the SQL CHECKs. */
const MAX_SCOPE_ID_LENGTH = 64;
/** Longest sku; matches the SQL CHECK. */
const MAX_SKU_LENGTH = 64;
/** Longest line title; matches the SQL CHECK. */
const MAX_TITLE_LENGTH = 255;
/** Largest quantity on one line; a bigger number is a typo or an attack, not a retail order. */
const MAX_QUANTITY = 100_000;
/** Most lines on one order; keeps one ingestion bounded. */
export const MAX_LINES = 1000;

/** The outcome of validating an input: a normalised order, or the reasons it is refused. */
export type Validated = { ok: true; order: NewOrder } | { ok: false; errors: UserError[] };

/**
 * Checks and normalises `RecordOrderInput` before anything is written: amounts become minor
 * units via `parseDecimal`, text is trimmed, and every rule failure becomes a userError with the
 * path of the offending field. All failures are reported at once, not only the first.
 */
export function validateRecordOrderInput(input: RecordOrderInput): Validated {
  const errors: UserError[] = [];
  const text = (value: string | null | undefined, path: string[], what: string, max: number, required: boolean): string | null => {
    const trimmed = (value ?? '').trim();
    if (!trimmed) {
      if (required) errors.push(userError(UserErrorCode.INVALID_VALUE, path, OrderMessages.blank(what)));
      return null;
    }
    if (trimmed.length > max) errors.push(userError(UserErrorCode.INVALID_VALUE, path, OrderMessages.tooLong(what, max)));
    return trimmed;
  };
  const slug = (value: string, path: string[], what: string): string => {
    const normalised = value.trim().toLowerCase();
    if (!SLUG.test(normalised)) {
      errors.push(userError(UserErrorCode.INVALID_VALUE, path, OrderMessages.badPattern(what, '1 to 40 letters, digits, "_" or "-"')));
    }
    return normalised;
  };

  const currencyCode = input.currencyCode.trim().toUpperCase();
  const currencyOk = isCurrencyCode(currencyCode);
  if (!currencyOk) errors.push(userError(UserErrorCode.UNSUPPORTED_CURRENCY, [INPUT, 'currencyCode'], OrderMessages.unsupportedCurrency(input.currencyCode)));
  const amount = (value: string | null | undefined, path: string[]): number => {
    if (value === null || value === undefined) return 0;
    if (!currencyOk) return 0; // already reported; amounts cannot be read without a currency
    try {
      const minor = parseDecimal(value.trim(), currencyCode);
      if (minor >= 0) return minor;
    } catch {
      // reported below
    }
    errors.push(userError(UserErrorCode.INVALID_AMOUNT, path, OrderMessages.invalidAmount(value, currencyCode)));
    return 0;
  };

  const source = slug(input.source, [INPUT, 'source'], 'source');
  const externalId = text(input.externalId, [INPUT, 'externalId'], 'externalId', MAX_REFERENCE_LENGTH, true) ?? '';
  const storeId = text(input.storeId, [INPUT, 'storeId'], 'storeId', MAX_SCOPE_ID_LENGTH, false);
  const partnerId = text(input.marketplacePartnerId, [INPUT, 'marketplacePartnerId'], 'marketplacePartnerId', MAX_SCOPE_ID_LENGTH, false);
  if (input.channel === 'POS' && !storeId) errors.push(userError(UserErrorCode.STORE_REQUIRED, [INPUT, 'storeId'], OrderMessages.storeRequired));
  if (input.channel === 'MARKETPLACE' && !partnerId) {
    errors.push(userError(UserErrorCode.MARKETPLACE_PARTNER_REQUIRED, [INPUT, 'marketplacePartnerId'], OrderMessages.partnerRequired));
  }
  if (input.channel !== 'MARKETPLACE' && partnerId) {
    errors.push(userError(UserErrorCode.MARKETPLACE_PARTNER_NOT_ALLOWED, [INPUT, 'marketplacePartnerId'], OrderMessages.partnerNotAllowed));
  }
  const customerId = text(input.customer.id, [INPUT, 'customer', 'id'], 'customer.id', MAX_SCOPE_ID_LENGTH, true) ?? '';
  const customerEmail = text(input.customer.email, [INPUT, 'customer', 'email'], 'customer.email', 320, false);
  const customerName = text(input.customer.name, [INPUT, 'customer', 'name'], 'customer.name', 200, false);
  const deliveredAt = input.deliveredAt ?? null;
  if (deliveredAt && deliveredAt.getTime() < input.placedAt.getTime()) {
    errors.push(userError(UserErrorCode.DELIVERED_BEFORE_PLACED, [INPUT, 'deliveredAt'], OrderMessages.deliveredBeforePlaced));
  }

  if (input.lines.length === 0) errors.push(userError(UserErrorCode.NO_LINES, [INPUT, 'lines'], OrderMessages.noLines));
  if (input.lines.length > MAX_LINES) errors.push(userError(UserErrorCode.INVALID_VALUE, [INPUT, 'lines'], OrderMessages.tooLong('lines', MAX_LINES)));
  const lines: NewOrderLine[] = input.lines.map((line, index) => {
    const at = (field: string) => [INPUT, 'lines', String(index), field];
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_QUANTITY) {
      errors.push(userError(UserErrorCode.INVALID_QUANTITY, at('quantity'), OrderMessages.invalidQuantity(line.quantity)));
    }
    const normalised: NewOrderLine = {
      sku: text(line.sku, at('sku'), 'sku', MAX_SKU_LENGTH, true) ?? '',
      title: text(line.title, at('title'), 'title', MAX_TITLE_LENGTH, true) ?? '',
      category: slug(line.category, at('category'), 'category'),
      quantity: line.quantity,
      unitPriceMinor: amount(line.unitPrice, at('unitPrice')),
      discountMinor: amount(line.discount, at('discount')),
      taxMinor: amount(line.tax, at('tax')),
      finalSale: line.finalSale ?? false,
    };
    // Only compare amounts that parsed; a bad price is already reported and would make this check noise.
    const amountsParsed = errors.every((error) => error.code !== UserErrorCode.INVALID_AMOUNT || error.field?.[2] !== String(index));
    if (line.quantity >= 1 && amountsParsed && normalised.discountMinor > lineGross(normalised)) {
      errors.push(userError(UserErrorCode.DISCOUNT_EXCEEDS_PRICE, at('discount'), OrderMessages.discountExceedsPrice));
    }
    return normalised;
  });

  let shipping: NewOrder['shipping'] = null;
  if (input.shipping) {
    shipping = {
      method: text(input.shipping.method, [INPUT, 'shipping', 'method'], 'shipping.method', 100, true) ?? '',
      amountMinor: amount(input.shipping.amount, [INPUT, 'shipping', 'amount']),
      taxMinor: amount(input.shipping.tax, [INPUT, 'shipping', 'tax']),
    };
  }

  const seen = new Set<string>();
  const payments: NewPayment[] = (input.payments ?? []).map((payment, index) => {
    const at = (field: string) => [INPUT, 'payments', String(index), field];
    const normalised: NewPayment = {
      provider: slug(payment.provider, at('provider'), 'provider'),
      providerReference: text(payment.providerReference, at('providerReference'), 'providerReference', MAX_REFERENCE_LENGTH, true) ?? '',
      method: payment.method,
      capturedMinor: amount(payment.capturedAmount, at('capturedAmount')),
      capturedAt: payment.capturedAt,
    };
    const key = `${normalised.provider}\u0000${normalised.providerReference}`;
    if (seen.has(key)) errors.push(userError(UserErrorCode.DUPLICATE_PAYMENT, at('providerReference'), OrderMessages.duplicatePayment));
    seen.add(key);
    return normalised;
  });

  // An unsupported currency is among `errors` already; testing it again narrows its type.
  if (errors.length > 0 || !isCurrencyCode(currencyCode)) return { ok: false, errors };
  const totals = orderTotals(lines, shipping);
  const captured = payments.reduce((sum, p) => sum + p.capturedMinor, 0);
  const capturedError = checkCaptured(captured, totals.totalMinor, currencyCode);
  if (capturedError) return { ok: false, errors: [capturedError] };
  return {
    ok: true,
    order: {
      source,
      externalId,
      channel: input.channel,
      storeId,
      marketplacePartnerId: partnerId,
      customerId,
      customerEmail,
      customerName,
      placedAt: input.placedAt,
      deliveredAt,
      currency: currencyCode,
      shipping,
      lines,
      payments,
    },
  };
}

/** The userError for captures above the total, or null when they fit. */
export function checkCaptured(capturedMinor: number, totalMinor: number, currency: string): UserError | null {
  if (capturedMinor <= totalMinor) return null;
  return userError(
    UserErrorCode.CAPTURED_EXCEEDS_TOTAL,
    [INPUT, 'payments'],
    OrderMessages.capturedExceedsTotal(formatMinor(capturedMinor, currency), formatMinor(totalMinor, currency)),
  );
}
