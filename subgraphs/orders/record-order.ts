import type { Queryable } from '../../platform/db';
import type { Principal } from '../../platform/auth';
import { forbidden } from '../../platform/graphql/errors';
import type { NewOrder } from '../../contracts/orders';
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

/** What recording a validated order did; `stale` when the store already held a newer version (nothing written). */
export interface RecordedOrder extends RecordOrderPayload {
  stale: boolean;
}

/** Throws FORBIDDEN unless the principal may record orders. */
export function assertCanRecordOrders(principal: Principal): void {
  if (!canRecordOrders(principal)) throw forbidden();
}

/**
 * Records an order reported through the `recordOrder` mutation, inside the caller's transaction
 * `tx`: the input is validated and normalised into the order model, then `recordNewOrder` writes it.
 * Every check runs before the first write, so a payload with userErrors has written nothing.
 *
 * Kept free of idempotency-key handling on purpose: the shared idempotency mechanism wraps this
 * function, storing its payload under the key in the same transaction.
 */
export async function recordOrder(tx: Queryable, input: RecordOrderInput, principal: Principal): Promise<RecordOrderPayload> {
  assertCanRecordOrders(principal);
  const validated = validateRecordOrderInput(input);
  if (!validated.ok) return { order: null, created: false, userErrors: validated.errors };
  const { order, created, userErrors } = await recordNewOrder(tx, validated.order);
  return { order, created, userErrors };
}

/**
 * Records a validated order (`validateRecordOrderInput` or `validateNewOrder`) inside `tx`: a new
 * (source, externalId) creates the order with a new id and number; a known one updates only the
 * mutable facts (delivery, payment captures, cancellation), after the immutability and capture
 * checks. With `sourceUpdatedAt` (webhook intake), a version older than the newest applied is
 * stale: nothing is written, so a late retry or an `updated` overtaken by its `create` never
 * overwrites newer facts.
 */
export async function recordNewOrder(tx: Queryable, incoming: NewOrder, options: { sourceUpdatedAt?: Date } = {}): Promise<RecordedOrder> {
  const store = new OrdersStore(tx);
  const at = options.sourceUpdatedAt ?? null;
  // Two attempts: when a concurrent transaction creates the same order between our lookup and
  // our insert, the insert skips and the second pass finds (and locks) that order.
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await store.lockOrderByExternalId(incoming.source, incoming.externalId);
    if (existing) return updateExisting(store, existing, incoming, at);
    const created = await store.insertOrder(incoming, at);
    if (created) return { order: created, created: true, userErrors: [], stale: false };
  }
  throw new Error(`order ${incoming.source}/${incoming.externalId} was neither found nor insertable`);
}

async function updateExisting(store: OrdersStore, existing: OrderRecord, incoming: NewOrder, at: Date | null): Promise<RecordedOrder> {
  if (at && existing.sourceUpdatedAt && at.getTime() < existing.sourceUpdatedAt.getTime()) {
    return { order: existing, created: false, userErrors: [], stale: true };
  }
  const [lines, payments] = [await store.findLinesOfOrders([existing.id]), await store.findPaymentsOfOrders([existing.id])];
  const changes = immutableChanges(existing, lines, incoming);
  if (changes.length > 0) return { order: null, created: false, userErrors: changes, stale: false };
  const capturedError = checkCaptured(capturedAfterMerge(payments, incoming.payments), existing.totalMinor, existing.currency);
  if (capturedError) return { order: null, created: false, userErrors: [capturedError], stale: false };
  const order = await store.updateOrderFacts(existing.id, {
    deliveredAt: incoming.deliveredAt,
    payments: incoming.payments,
    cancelledAt: incoming.cancelledAt,
    sourceUpdatedAt: at,
  });
  return { order, created: false, userErrors: [], stale: false };
}
