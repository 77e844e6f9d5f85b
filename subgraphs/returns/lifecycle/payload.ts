import type { UserError } from './user-errors';

/**
 * What every returns mutation stores under its idempotency key and replays: the return's id and
 * any userErrors. The return itself is resolved fresh through the loaders.
 */
export interface ReturnPayload {
  returnId: string | null;
  userErrors: UserError[];
}

/** A payload of one userError and no return. */
export const refused = (error: UserError): ReturnPayload => ({ returnId: null, userErrors: [error] });
/** A payload of a changed return. */
export const changed = (returnId: string): ReturnPayload => ({ returnId, userErrors: [] });
