import type { z } from 'zod';
import type { NewOrder } from '../../../contracts/orders';
import { formatMinor } from '../../../platform/money';
import type { RecordOrderInput } from './record-order-input';
import { normaliseCurrency, recordOrderSchema, type ParsedRecordOrder } from './order-input-schema';
import { orderTotals } from './totals';
import { newOrderSchema } from './new-order-schema';
import { UserErrorCode, OrderMessages, userError, type UserError } from './user-errors';

/** Field paths start at the mutation argument, e.g. `["input", "lines", "0", "quantity"]`. */
const INPUT = 'input';

/** The outcome of validating an input: a normalised order, or the reasons it is refused. */
export type Validated = { ok: true; order: NewOrder } | { ok: false; errors: UserError[] };

/**
 * Checks and normalises `RecordOrderInput` before anything is written, with `recordOrderSchema`:
 * amounts become minor units via `parseDecimal`, text is trimmed, and every rule failure becomes a
 * userError with the path of the offending field. All failures are reported at once, not only the
 * first. Only an order that passed is totalled, and its captures checked against the total.
 */
export function validateRecordOrderInput(input: RecordOrderInput): Validated {
  const parsed = recordOrderSchema(normaliseCurrency(input.currencyCode)).safeParse(input);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => toUserError(issue)) };
  const order = newOrder(parsed.data);
  const captured = order.payments.reduce((sum, payment) => sum + payment.capturedMinor, 0);
  const capturedError = checkCaptured(captured, orderTotals(order.lines, order.shipping).totalMinor, order.currency);
  if (capturedError) return { ok: false, errors: [capturedError] };
  return { ok: true, order };
}

/**
 * Checks an order a commerce connector yielded (already in the order model, amounts in minor
 * units) by the same rules as `validateRecordOrderInput` (`newOrderSchema` shares its rule
 * helpers), without a detour through the GraphQL input's decimal strings. Paths start at `order`.
 */
export function validateNewOrder(order: NewOrder): Validated {
  const parsed = newOrderSchema.safeParse(order);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((issue) => toUserError(issue, 'order')) };
  const valid: NewOrder = { ...parsed.data, currency: parsed.data.currency as NewOrder['currency'] };
  const captured = valid.payments.reduce((sum, payment) => sum + payment.capturedMinor, 0);
  const capturedError = checkCaptured(captured, orderTotals(valid.lines, valid.shipping).totalMinor, valid.currency);
  if (capturedError) return { ok: false, errors: [{ ...capturedError, field: ['order', 'payments'] }] };
  return { ok: true, order: valid };
}

/** A schema issue as a userError: the code the rule gave it (INVALID_VALUE for a malformed value), its path from `root`. */
function toUserError(issue: z.core.$ZodIssue, root: string = INPUT): UserError {
  const code = issue.code === 'custom' ? (issue.params?.code as UserErrorCode | undefined) : undefined;
  return userError(code ?? UserErrorCode.INVALID_VALUE, [root, ...issue.path.map(String)], issue.message);
}

/** The order to store, in the commerce port's names. */
function newOrder(input: ParsedRecordOrder): NewOrder {
  return {
    source: input.source,
    externalId: input.externalId,
    channel: input.channel,
    storeId: input.storeId,
    marketplacePartnerId: input.marketplacePartnerId,
    customerId: input.customer.id,
    customerEmail: input.customer.email,
    customerName: input.customer.name,
    placedAt: input.placedAt,
    deliveredAt: input.deliveredAt ?? null,
    // Absent leaves a recorded cancellation as it is; null withdraws it.
    cancelledAt: input.cancelledAt,
    currency: input.currencyCode,
    shipping: input.shipping ? { method: input.shipping.method, amountMinor: input.shipping.amount, taxMinor: input.shipping.tax } : null,
    lines: input.lines.map((line) => ({
      sku: line.sku,
      title: line.title,
      category: line.category,
      quantity: line.quantity,
      unitPriceMinor: line.unitPrice,
      discountMinor: line.discount,
      taxMinor: line.tax,
      finalSale: line.finalSale ?? false,
    })),
    payments: (input.payments ?? []).map((payment) => ({
      provider: payment.provider,
      providerReference: payment.providerReference,
      method: payment.method,
      capturedMinor: payment.capturedAmount,
      capturedAt: payment.capturedAt,
    })),
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
