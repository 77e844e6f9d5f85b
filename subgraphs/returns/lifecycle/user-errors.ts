/**
 * Business-rule failures of the returns subgraph's mutations: codes (the schema's `UserErrorCode`
 * lists the same) and their messages, together so they read consistently.
 */
export const ReturnErrorCode = {
  INVALID_IDEMPOTENCY_KEY: 'INVALID_IDEMPOTENCY_KEY',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
  IDEMPOTENCY_CONCURRENT_REQUEST: 'IDEMPOTENCY_CONCURRENT_REQUEST',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  RETURN_NOT_FOUND: 'RETURN_NOT_FOUND',
  NO_LINES: 'NO_LINES',
  DUPLICATE_LINE: 'DUPLICATE_LINE',
  LINE_NOT_ON_ORDER: 'LINE_NOT_ON_ORDER',
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  QUANTITY_EXCEEDS_RETURNABLE: 'QUANTITY_EXCEEDS_RETURNABLE',
  WINDOW_EXPIRED: 'WINDOW_EXPIRED',
  ORDER_CANCELLED: 'ORDER_CANCELLED',
  FINAL_SALE: 'FINAL_SALE',
  REFUND_METHOD_NOT_ALLOWED: 'REFUND_METHOD_NOT_ALLOWED',
  STORE_REQUIRED: 'STORE_REQUIRED',
  MANAGER_APPROVAL_REQUIRED: 'MANAGER_APPROVAL_REQUIRED',
  DECLINED_BY_POLICY: 'DECLINED_BY_POLICY',
  NEEDS_REVIEW: 'NEEDS_REVIEW',
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  RETURN_LINE_NOT_FOUND: 'RETURN_LINE_NOT_FOUND',
  QUANTITY_EXCEEDS_OUTSTANDING: 'QUANTITY_EXCEEDS_OUTSTANDING',
  DISPOSITIONS_MUST_MATCH_RECEIVED: 'DISPOSITIONS_MUST_MATCH_RECEIVED',
  NOTHING_TO_INSPECT: 'NOTHING_TO_INSPECT',
  INVALID_VALUE: 'INVALID_VALUE',
  UNKNOWN_LOCATION: 'UNKNOWN_LOCATION',
  NOT_RECEIVED_AT_LOCATION: 'NOT_RECEIVED_AT_LOCATION',
} as const;

export type ReturnErrorCode = (typeof ReturnErrorCode)[keyof typeof ReturnErrorCode];

/** A userError as the API shows it. */
export interface UserError {
  code: ReturnErrorCode;
  field: string[] | null;
  message: string;
}

/** Builds a userError. */
export const userError = (code: ReturnErrorCode, field: (string | number)[] | null, message: string): UserError => ({
  code,
  field: field ? field.map(String) : null,
  message,
});

/** Messages, together. */
export const ReturnMessages = {
  orderNotFound: (orderId: string) => `Order ${orderId} is not known to returns (yet); if it was just placed, retry shortly.`,
  returnNotFound: (returnId: string) => `Return ${returnId} does not exist.`,
  noLines: 'A return needs at least one line.',
  duplicateLine: 'Each order line may appear once per return; combine the quantities.',
  lineNotOnOrder: (orderLineId: string) => `Order line ${orderLineId} is not on this order.`,
  invalidQuantity: 'Quantity must be a whole number of at least 1.',
  exceedsReturnable: (returnable: number) => `Only ${returnable} unit(s) of this line can still be returned (the rest are returned or in an open return).`,
  windowExpired: (endedAt: string) => `The return window for this line ended at ${endedAt}.`,
  finalSale: 'This line was sold as final sale and cannot be returned.',
  refundMethodNotAllowed: (allowed: string[]) => `That refund method is not allowed here; allowed: ${allowed.join(', ') || 'none'}.`,
  storeRequired: 'A return taken at a counter needs the store it is taken in.',
  managerApproval: 'This return is above the manager-approval threshold or flagged for review: a store manager must authorize it.',
  declinedByPolicy: (reasons: string[]) => `The return policy declines this return: ${reasons.join('; ')}.`,
  needsReview: (reasons: string[]) => `This return needs review before it can be authorized: ${reasons.join('; ')}.`,
  invalidTransition: (status: string, action: string) => `A return in status ${status} cannot be ${action}.`,
  returnLineNotFound: (id: string) => `Return line ${id} is not on this return.`,
  exceedsOutstanding: (outstanding: number) => `Only ${outstanding} unit(s) of this line are still expected.`,
  dispositionsMismatch: (expected: number) => `Dispositions of this line must add up to the ${expected} unit(s) received here and not yet inspected.`,
  nothingToInspect: 'No received unit of this line is waiting for inspection.',
  unknownLocation: (locationId: string) =>
    `Location ${locationId} is not known to inventory (yet): returns are taken, received and inspected only where inventory keeps stock. If it was just added, retry shortly.`,
  unknownDefaultLocation: (locationId: string) =>
    `Ship-back returns are received at ${locationId}, which is not known to inventory (yet): returns to it cannot be taken until it is. Retry shortly, or name another destination.`,
  receiveNowNeedsStore: 'Receiving the units now needs the store they are received at.',
  notReceivedAtLocation: (locationId: string, waitingThere: number) =>
    waitingThere === 0
      ? `No unit of this line waits for inspection at ${locationId}: inspect units where they were received.`
      : `Only ${waitingThere} unit(s) of this line wait for inspection at ${locationId}: inspect the others where they were received.`,
} as const;
