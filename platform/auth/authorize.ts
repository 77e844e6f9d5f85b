import { forbidden } from '../graphql/errors';
import { decide, mayPerform, type Operation, type Target } from './capabilities';
import type { Principal } from './principal';

/**
 * The table's answers as resolvers use them. Every refusal is the same FORBIDDEN (code and
 * message): which rule refused is not the client's business, and one message cannot leak more
 * than another.
 */

/** Refuses with FORBIDDEN unless one of the principal's roles may perform `operation` somewhere. Call before any lookup. */
export function assertMayPerform(principal: Principal, operation: Operation): void {
  if (!mayPerform(principal, operation)) throw forbidden();
}

/**
 * Asks the table about `operation` on a loaded `target`: returns `allow`, or `hidden` when the
 * caller must answer exactly as for an unknown id; throws FORBIDDEN otherwise.
 */
export function authorize(principal: Principal, operation: Operation, target: Target): 'allow' | 'hidden' {
  const decision = decide(principal, operation, target);
  if (decision === 'forbidden') throw forbidden();
  return decision;
}
