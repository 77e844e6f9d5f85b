/**
 * Business-rule failures of the orders subgraph: the `UserErrorCode` enum of its schema and the
 * messages that go with them, together so they read consistently (rocket-rides' `Messages`).
 */

/** Codes of `userErrors` this subgraph returns; the schema's `UserErrorCode` lists the same. */
export const UserErrorCode = {
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  INVALID_VALUE: 'INVALID_VALUE',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  UNSUPPORTED_CURRENCY: 'UNSUPPORTED_CURRENCY',
  NO_LINES: 'NO_LINES',
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  DISCOUNT_EXCEEDS_PRICE: 'DISCOUNT_EXCEEDS_PRICE',
  STORE_REQUIRED: 'STORE_REQUIRED',
  MARKETPLACE_PARTNER_REQUIRED: 'MARKETPLACE_PARTNER_REQUIRED',
  MARKETPLACE_PARTNER_NOT_ALLOWED: 'MARKETPLACE_PARTNER_NOT_ALLOWED',
  DELIVERED_BEFORE_PLACED: 'DELIVERED_BEFORE_PLACED',
  CAPTURED_EXCEEDS_TOTAL: 'CAPTURED_EXCEEDS_TOTAL',
  DUPLICATE_PAYMENT: 'DUPLICATE_PAYMENT',
  LINES_IMMUTABLE: 'LINES_IMMUTABLE',
  ORDER_FIELD_IMMUTABLE: 'ORDER_FIELD_IMMUTABLE',
  DELIVERY_NOT_FOUND: 'DELIVERY_NOT_FOUND',
  DELIVERY_NOT_FAILED: 'DELIVERY_NOT_FAILED',
} as const;

/** One of `UserErrorCode`. */
export type UserErrorCode = (typeof UserErrorCode)[keyof typeof UserErrorCode];

/** A business-rule failure as the API shows it: `field` is the path into the mutation's arguments. */
export interface UserError {
  code: UserErrorCode;
  field: string[] | null;
  message: string;
}

/** User-facing messages of the orders subgraph's userErrors. */
export const OrderMessages = {
  invalidIdempotencyKey: 'The idempotency key must be 1 to 255 characters of letters, digits, "_", "-", ":" or ".".',
  blank: (what: string) => `${what} must not be blank.`,
  tooLong: (what: string, max: number) => `${what} must be at most ${max} characters.`,
  badPattern: (what: string, rule: string) => `${what} must be ${rule}.`,
  invalidAmount: (value: string, currency: string) =>
    `"${value}" is not a non-negative decimal amount in ${currency} (digits, at most the currency's decimals).`,
  unsupportedCurrency: (code: string) => `Currency "${code}" is not supported.`,
  noLines: 'An order needs at least one line.',
  invalidQuantity: (quantity: number) => `Quantity must be a whole number of at least 1, got ${quantity}.`,
  discountExceedsPrice: 'The discount is larger than the line price times quantity.',
  storeRequired: 'A POS order needs the store it was sold in (storeId).',
  partnerRequired: 'A MARKETPLACE order needs its marketplacePartnerId.',
  partnerNotAllowed: 'Only MARKETPLACE orders have a marketplacePartnerId.',
  deliveredBeforePlaced: 'deliveredAt must not be before placedAt.',
  cancelledBeforePlaced: 'cancelledAt must not be before placedAt.',
  capturedExceedsTotal: (captured: string, total: string) => `Captured payments (${captured}) exceed the order total (${total}).`,
  duplicatePayment: 'This payment (provider and providerReference) appears more than once.',
  linesImmutable: 'Order lines cannot change once an order is recorded; record a return or an exchange instead.',
  fieldImmutable: (what: string) => `${what} cannot change once an order is recorded.`,
  deliveryNotFound: 'No commerce delivery has this id.',
  deliveryNotFailed: (status: string) => `Only a FAILED commerce delivery can be retried; this one is ${status}.`,
} as const;

/** Builds a userError. */
export function userError(code: UserErrorCode, field: string[] | null, message: string): UserError {
  return { code, field, message };
}
