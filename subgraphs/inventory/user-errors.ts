import { IdempotencyErrorCode } from '../../platform/idempotency/idempotency';

/**
 * Business-rule failures of the inventory subgraph: the codes of its mutations' `userErrors` (the
 * schema's `UserErrorCode` lists the same; `user-errors.test.ts` checks) and every message it
 * shows a client, together so they read consistently.
 */
export const InventoryErrorCode = {
  ...IdempotencyErrorCode,
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  QUANTITY_CHANGED: 'QUANTITY_CHANGED',
  UNKNOWN_LOCATION: 'UNKNOWN_LOCATION',
  HELD_FOR_RETURNS: 'HELD_FOR_RETURNS',
  INVALID_STATE: 'INVALID_STATE',
  INVALID_VALUE: 'INVALID_VALUE',
  POSTING_NOT_FOUND: 'POSTING_NOT_FOUND',
  NOT_A_POSTING_EXCEPTION: 'NOT_A_POSTING_EXCEPTION',
} as const;

/** One of `InventoryErrorCode`. */
export type InventoryErrorCode = (typeof InventoryErrorCode)[keyof typeof InventoryErrorCode];

/**
 * A userError of an inventory mutation. `code` is a string, not `InventoryErrorCode`: the write
 * path hands its idempotency refusals over as plain userErrors.
 */
export interface InventoryUserError {
  code: string;
  field: string[] | null;
  message: string;
}

/** User-facing messages of the inventory subgraph: its userErrors and its BAD_USER_INPUT errors. */
export const InventoryMessages = {
  invalidSku: 'A SKU is 1-100 letters, digits, dots, dashes or underscores.',
  unknownLocation: (locationId: string) => `Location ${locationId} is not known.`,
  quantityChanged: (state: string, current: number, expected: number) =>
    `The ${state} balance is ${current}, not ${expected}: it changed meanwhile. Re-read and retry.`,
  heldForReturns: (held: number, state: string, changeable: number) =>
    `${held} unit(s) in ${state} belong to open returns and move with them; at most ${changeable} can be changed by hand.`,
  insufficientStock: (available: number, state: string) => `Only ${available} unit(s) in ${state}; stock never goes below zero.`,
  invalidDelta: 'The delta must be a non-zero whole number of at most a million units.',
  invalidMoveQuantity: 'The quantity must be a whole number from 1 to a million.',
  sameStates: 'Move units between two different states.',
  tooManySkus: (max: number) => `At most ${max} SKUs per request.`,
  tooManyLocations: (max: number) => `At most ${max} locations per request.`,
  invalidLocationId: 'A location id is `loc_` and 1-60 letters, digits or underscores.',
  blank: (field: string) => `The ${field} must not be blank.`,
  tooLong: (field: string, max: number) => `The ${field} is longer than ${max} characters.`,
  controlCharacters: (field: string) => `The ${field} contains control characters (tab and line breaks included).`,
  invalidSlug: (field: string) => `The ${field} is 1-40 letters, digits, "_" or "-".`,
  invalidSafetyStock: 'The safety stock must be a whole number from 0 to a million.',
  externalIdWithoutSource: 'An externalId needs the source it belongs to.',
  postingNotFound: (postingId: string) => `No stock posting ${postingId} exists.`,
  notAPostingException: (status: string) =>
    `Only a stock posting the ERP refused, or one still unposted after the exception threshold, can be retried by hand; this one is ${status} and the queue is on it.`,
} as const;
