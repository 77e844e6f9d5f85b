import type { Queryable } from '../../platform/db';
import type { Principal } from '../../platform/auth';
import { forbidden } from '../../platform/graphql/errors';
import type { OrderRecord } from './domain/order-records';
import { OrdersStore } from './store';
import { canRecordOrders } from './tenancy';
import type { RecordOrderInput } from './domain/record-order-input';
import { checkCaptured, validateRecordOrderInput } from './domain/validate';
import { capturedAfterMerge, immutableChanges } from './domain/immutable';
import type { UserError } from './domain/user-errors';

/** `RecordOrderPayload`: the order as recorded, whether it was new, and any business-rule failures. */
export interface RecordOrderPayload {
  order: OrderRecord | null;
  created: boolean;
  userErrors: UserError[];
}

/** Throws FORBIDDEN unless the principal may record orders. */
export function assertCanRecordOrders(principal: Principal): void {
  if (!canRecordOrders(principal)) throw forbidden();
}

/**
 * Records an order reported by a commerce platform, inside the caller's transaction `tx`:
 * a new (source, externalId) creates the order with a new id and number; a known one updates
 * only the mutable facts (delivery, payment captures). Every check runs before the first write,
 * so a payload with userErrors has written nothing.
 *
 * Kept free of idempotency-key handling on purpose: the shared idempotency mechanism wraps this
 * function, storing its payload under the key in the same transaction.
 */
export async function recordOrder(tx: Queryable, input: RecordOrderInput, principal: Principal): Promise<RecordOrderPayload> {
  assertCanRecordOrders(principal);
  const validated = validateRecordOrderInput(input);
  if (!validated.ok) return { order: null, created: false, userErrors: validated.errors };
  const incoming = validated.order;
  const store = new OrdersStore(tx);

  // Two attempts: when a concurrent transaction creates the same order between our lookup and
  // our insert, the insert skips and the second pass finds (and locks) that order.
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await store.lockOrderByExternalId(incoming.source, incoming.externalId);
    if (existing) {
      const [lines, payments] = [await store.findLinesOfOrders([existing.id]), await store.findPaymentsOfOrders([existing.id])];
      const changes = immutableChanges(existing, lines, incoming);
      if (changes.length > 0) return { order: null, created: false, userErrors: changes };
      const capturedError = checkCaptured(capturedAfterMerge(payments, incoming.payments), existing.totalMinor, existing.currency);
      if (capturedError) return { order: null, created: false, userErrors: [capturedError] };
      const order = await store.updateOrderFacts(existing.id, { deliveredAt: incoming.deliveredAt, payments: incoming.payments });
      return { order, created: false, userErrors: [] };
    }
    const created = await store.insertOrder(incoming);
    if (created) return { order: created, created: true, userErrors: [] };
  }
  throw new Error(`order ${incoming.source}/${incoming.externalId} was neither found nor insertable`);
}
