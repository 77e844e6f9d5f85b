import { OrderMessages, UserErrorCode, userError, type UserError } from './user-errors';

/**
 * Idempotency keys: 1–255 characters a client can generate and log safely (UUIDs, ULIDs,
 * `webhook:shopify:123`). The storage of keys comes with the shared idempotency mechanism; this
 * check already refuses keys it could not store.
 */
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_\-:.]{1,255}$/;

/** A userError for a malformed key, or null for a good one. */
export function checkIdempotencyKey(key: string): UserError | null {
  return IDEMPOTENCY_KEY.test(key) ? null : userError(UserErrorCode.INVALID_IDEMPOTENCY_KEY, ['idempotencyKey'], OrderMessages.invalidIdempotencyKey);
}
