import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { CommerceChange, CommerceRefund } from '../../../connectors/commerce/port';
import type { NewOrder } from '../../../contracts/orders';
import { recordNewOrder } from '../record-order';
import { validateNewOrder } from '../domain/validate';
import type { UserError } from '../domain/user-errors';
import { OrdersStore } from '../store';
import { emitOrderRecorded } from '../emit-order-recorded';

/** What applying a change did, stored on its delivery; `status` is where the delivery ends. */
export interface Applied {
  status: 'APPLIED' | 'IGNORED';
  outcome: Record<string, unknown>;
}

/**
 * A delivery that can never apply as it stands (an edited order's lines, a refund of a payment
 * the order does not have): FAILED at once with the reason, for an operator; never retried by itself.
 */
export class DeliveryRefused extends Error {
  constructor(
    message: string,
    readonly userErrors: UserError[] = [],
  ) {
    super(message);
    this.name = 'DeliveryRefused';
  }
}

/** The order of a refund or return is not recorded yet: transient, its `orders/create` may still be on its way. */
export class OrderNotYetRecorded extends Error {
  constructor(source: string, externalId: string) {
    super(`order ${source}/${externalId} is not recorded yet`);
    this.name = 'OrderNotYetRecorded';
  }
}

/** Refuses with the userErrors' codes and messages as the reason. */
function refuse(userErrors: UserError[]): never {
  throw new DeliveryRefused(userErrors.map((error) => `${error.code}: ${error.message}`).join('; '), userErrors);
}

/**
 * Applies one interpreted change inside the intake's transaction (bound to `orders`). Throws
 * `DeliveryRefused` for what can never apply; any other error is transient and rolls back.
 * - `order`: checked like a `recordOrder` input and recorded by `recordNewOrder` with the
 *   platform's time as watermark; an older version is `stale` and writes nothing.
 * - `refund`: recorded once per (source, refund id); each transaction adds to its payment's
 *   `refunded_externally_minor`, and `OrderRecorded` carries the new figures to refunds.
 * - `return`: the platform's own return changed. Noted on the delivery only: the graph is the book
 *   of record for returns (its policy, inspection and refunds decide them), so a merchant's change
 *   in the platform's admin is shown to operators rather than applied to the graph's return.
 * - `ignored`: nothing to do.
 */
export async function applyChange(tx: WriteTx, source: string, change: CommerceChange): Promise<Applied> {
  switch (change.kind) {
    case 'order':
      return applyOrder(tx, source, change.order, change.updatedAt);
    case 'refund':
      return applyRefund(tx, source, change.refund);
    case 'return':
      return {
        status: 'APPLIED',
        outcome: { result: 'return noted', orderExternalId: change.orderExternalId, externalReturnId: change.externalReturnId, platformStatus: change.status },
      };
    case 'ignored':
      return { status: 'IGNORED', outcome: { result: 'ignored', reason: change.reason } };
  }
}

async function applyOrder(tx: WriteTx, source: string, reported: NewOrder, updatedAt: Date): Promise<Applied> {
  if (reported.source !== source) throw new DeliveryRefused(`an order of source "${reported.source}" arrived on the "${source}" webhook`);
  const validated = validateNewOrder(reported);
  if (!validated.ok) refuse(validated.errors);
  const result = await recordNewOrder(tx, validated.order, { sourceUpdatedAt: updatedAt });
  if (!result.order) refuse(result.userErrors);
  if (result.stale) return { status: 'APPLIED', outcome: { result: 'stale', orderId: result.order.id, updatedAt: updatedAt.toISOString() } };
  await emitOrderRecorded(tx, result.order, result.created);
  return { status: 'APPLIED', outcome: { result: result.created ? 'created' : 'updated', orderId: result.order.id, number: result.order.number } };
}

async function applyRefund(tx: WriteTx, source: string, refund: CommerceRefund): Promise<Applied> {
  const store = new OrdersStore(tx);
  const order = await store.lockOrderByExternalId(source, refund.orderExternalId);
  if (!order) throw new OrderNotYetRecorded(source, refund.orderExternalId);
  const fresh = await tx.query(
    `INSERT INTO orders.external_refunds (source, external_id, order_id, transactions, refunded_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [source, refund.externalId, order.id, JSON.stringify(refund.transactions), refund.refundedAt],
  );
  if (fresh.rowCount === 0)
    return { status: 'APPLIED', outcome: { result: 'refund already recorded', orderId: order.id, externalRefundId: refund.externalId } };
  const payments = await store.findPaymentsOfOrders([order.id]);
  for (const transaction of refund.transactions) {
    const payment = payments.find((p) => p.provider === transaction.provider && p.providerReference === transaction.providerReference);
    if (!payment)
      throw new DeliveryRefused(
        `refund ${refund.externalId} names payment ${transaction.provider}/${transaction.providerReference}, which order ${order.number} does not have`,
      );
    const refunded = (payment.refundedExternallyMinor ?? 0) + transaction.amountMinor;
    if (refunded > payment.capturedMinor)
      throw new DeliveryRefused(`refund ${refund.externalId} takes payment ${payment.providerReference} past what was captured`);
    payment.refundedExternallyMinor = refunded;
    await tx.query(`UPDATE orders.payments SET refunded_externally_minor = $2, updated_at = now() WHERE id = $1`, [payment.id, refunded]);
  }
  await emitOrderRecorded(tx, order, false);
  return { status: 'APPLIED', outcome: { result: 'refund recorded', orderId: order.id, externalRefundId: refund.externalId } };
}
