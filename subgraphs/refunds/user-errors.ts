import { IdempotencyErrorCode } from '../../platform/idempotency/idempotency';

/**
 * Business-rule failures of the refunds subgraph: the codes of its mutations' `userErrors` (the
 * schema's `UserErrorCode` lists the same; `user-errors.test.ts` checks), the codes of the
 * reconciliation's mismatches, and every message either shows a client, together so they read
 * consistently.
 */
export const RefundErrorCode = {
  ...IdempotencyErrorCode,
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  RETURN_NOT_FOUND: 'RETURN_NOT_FOUND',
  REFUND_NOT_FOUND: 'REFUND_NOT_FOUND',
  NOTHING_TO_REFUND: 'NOTHING_TO_REFUND',
  EXCEEDS_REFUNDABLE: 'EXCEEDS_REFUNDABLE',
  LINE_NOT_ON_ORDER: 'LINE_NOT_ON_ORDER',
  EXCEEDS_LINE_QUANTITY: 'EXCEEDS_LINE_QUANTITY',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  NOT_AWAITING_APPROVAL: 'NOT_AWAITING_APPROVAL',
  SAME_APPROVER: 'SAME_APPROVER',
  NOT_FAILED: 'NOT_FAILED',
  INVALID_VALUE: 'INVALID_VALUE',
  INVALID_WINDOW: 'INVALID_WINDOW',
  WINDOW_TOO_LONG: 'WINDOW_TOO_LONG',
  POSTING_NOT_FOUND: 'POSTING_NOT_FOUND',
  NOT_A_POSTING_EXCEPTION: 'NOT_A_POSTING_EXCEPTION',
  MISMATCH_NOT_FOUND: 'MISMATCH_NOT_FOUND',
  MISMATCH_NOT_OPEN: 'MISMATCH_NOT_OPEN',
} as const;

/** One of `RefundErrorCode`. */
export type RefundErrorCode = (typeof RefundErrorCode)[keyof typeof RefundErrorCode];

/**
 * A userError of a refund mutation. `code` is a string, not `RefundErrorCode`: the write path
 * hands its idempotency refusals over as plain userErrors.
 */
export interface RefundUserError {
  code: string;
  field: string[] | null;
  message: string;
}

/** User-facing messages of the refunds subgraph's userErrors. */
export const RefundMessages = {
  notAnOrderId: (orderId: string) => `"${orderId}" is not an order id.`,
  reasonRequired: 'A reason of 1 to 500 characters is required.',
  orderNotFound: (orderId: string) => `Order ${orderId} is not known to refunds (yet).`,
  returnNotOfOrder: (returnId: string) => `Return ${returnId} is not a return of this order known to refunds.`,
  invalidAmount: (amount: string, currency: string) => `"${amount}" is not a decimal amount in ${currency} (digits, at most the currency's decimals).`,
  amountNotPositive: 'The amount must be more than zero.',
  invalidQuantities: 'Quantities must be whole numbers of at least 1.',
  nothingGiven: 'Give lines to refund, an amount, or both.',
  refundNotFound: (refundId: string) => `Refund ${refundId} does not exist.`,
  notAwaitingApproval: 'This refund does not wait for approval.',
  sameApprover: 'A refund needs a second approver who is not its requester.',
  notFailed: (status: string) => `Only a FAILED refund can be retried; this one is ${status}.`,
  lineNotOnOrder: (orderLineId: string) => `Order line ${orderLineId} is not on the order.`,
  exceedsLineQuantity: (left: number, sku: string) => `Only ${left} unit(s) of ${sku} are left to refund.`,
  overrideRaisesRefund: 'An override may lower a return refund, not raise it above what the returned units are worth.',
  nothingLeft: 'Nothing is left to refund.',
  exceedsRefundable: 'The refund would exceed what was captured less what was already refunded.',
  windowNotOrdered: 'The window must start before it ends (from < to).',
  windowInFuture: 'The window must not end in the future.',
  windowTooLong: (maxDays: number) => `A reconciliation window spans at most ${maxDays} days.`,
  postingNotFound: (postingId: string) => `No credit memo posting ${postingId} exists.`,
  notAPostingException: (status: string) =>
    `Only a credit memo the ERP refused, or one still unposted after the exception threshold, can be retried by hand; this one is ${status} and the queue is on it.`,
  mismatchNotFound: (id: string) => `No reconciliation mismatch ${id} exists.`,
  mismatchNotOpen: 'This reconciliation mismatch is already resolved.',
  noteRequired: (max: number) => `A note of 1 to ${max} characters saying what was found or done is required.`,
} as const;

/**
 * Codes that open a tender's (and so its refund's) `failureReason` when the executor, not the
 * provider, holds it as an exception; the message after the colon is for the people who act on it.
 */
export const TenderExceptionCode = {
  /** No payment connector is configured for the tender's provider: configure it and restart. */
  PROVIDER_NOT_CONFIGURED: 'PROVIDER_NOT_CONFIGURED',
} as const;

/** The `failureReason` of tenders held as exceptions, each starting with its `TenderExceptionCode`. */
export const TenderExceptionMessages = {
  providerNotConfigured: (provider: string) => `${TenderExceptionCode.PROVIDER_NOT_CONFIGURED}: no payment connector for provider "${provider}"`,
} as const;

/**
 * Codes of `ReconciliationMismatch.code` and `ReconciliationException.code` (Strings in the schema,
 * whose descriptions list them). The first four compare the graph with its own credit-memo table
 * (`reconciliation` query); the three-way runs (`reconciliation/`) report AMOUNT_DIFFERS and the rest.
 */
export const MismatchCode = {
  REFUND_WITHOUT_CREDIT_MEMO: 'REFUND_WITHOUT_CREDIT_MEMO',
  CREDIT_MEMO_WITHOUT_REFUND: 'CREDIT_MEMO_WITHOUT_REFUND',
  AMOUNT_DIFFERS: 'AMOUNT_DIFFERS',
  REFUNDED_MORE_THAN_CAPTURED: 'REFUNDED_MORE_THAN_CAPTURED',
  /** The provider paid a refund; the ERP has no credit memo for it. */
  PAID_NOT_BOOKED: 'PAID_NOT_BOOKED',
  /** The ERP booked a memo; the provider shows no successful refund for it. */
  BOOKED_NOT_PAID: 'BOOKED_NOT_PAID',
  /** Two sides (named by `sides`) hold different currencies for the same refund. */
  CURRENCY_DIFFERS: 'CURRENCY_DIFFERS',
  /** A provider refund no tender of the graph initiated. */
  UNKNOWN_PROVIDER_REFUND: 'UNKNOWN_PROVIDER_REFUND',
  /** The graph says a tender SUCCEEDED; its provider has no such refund. */
  MISSING_AT_PROVIDER: 'MISSING_AT_PROVIDER',
} as const;

/** One of `MismatchCode`. */
export type MismatchCode = (typeof MismatchCode)[keyof typeof MismatchCode];

/** What finance reads about each mismatch (`ReconciliationMismatch.message`); amounts in minor units. */
export const MismatchMessages = {
  refundedMoreThanCaptured: (refundedMinor: number, capturedMinor: number) =>
    `Refunded ${refundedMinor} (the graph's refunds and the commerce platform's own together) but captured ${capturedMinor}.`,
  refundWithoutCreditMemo: (refundId: string, memoStatus: string | null) => `Refund ${refundId} succeeded; its credit memo is ${memoStatus ?? 'missing'}.`,
  creditMemoWithoutRefund: (refundId: string, refundStatus: string) => `A credit memo is posted for refund ${refundId}, which is ${refundStatus}.`,
  amountDiffers: (refundId: string, refundMinor: number, memoMinor: number | null) => `Refund ${refundId} is ${refundMinor}; its credit memo ${memoMinor}.`,
  paidNotBooked: (refundId: string, via: string) => `Refund ${refundId} was paid (${via}); the ERP has no credit memo for it.`,
  bookedNotPaid: (erpReference: string, refundId: string, why: string) => `The ERP booked ${erpReference} for refund ${refundId}, but ${why}.`,
  sidesDiffer: (what: 'amount' | 'currency', sides: string, refundId: string, left: string, right: string) =>
    `The ${what} of refund ${refundId} differs between ${sides}: ${left} vs ${right}.`,
  unknownProviderRefund: (provider: string, providerRefundId: string, amountMinor: number, currency: string) =>
    `${provider} refund ${providerRefundId} (${amountMinor} ${currency}) was not initiated by any tender of the graph.`,
  missingAtProvider: (refundId: string, tenderId: string, provider: string) =>
    `Tender ${tenderId} of refund ${refundId} SUCCEEDED in the graph; ${provider} has no such refund.`,
} as const;
