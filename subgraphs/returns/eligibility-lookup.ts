import type { Queryable } from '../../platform/db';
import type { Principal } from '../../platform/auth';
import { badUserInput, Messages } from '../../platform/graphql/errors';
import { isId } from '../../platform/ids';
import type { Channel } from '../../contracts/vocabulary';
import { lineEligibility, refundMethodsFor, type ReturnPolicy } from './policy';
import { assertMayPerform } from '../../platform/auth';
import { seesOrder } from './lifecycle/access';
import { eligibilityOrder, orderSnapshots, returnedQuantities } from './lifecycle/lifecycle-queries';

/**
 * `returnEligibility`: every line of an order judged by the active policy for a channel. Two
 * queries whatever the order's size (its snapshot, and quantities already returned), the policy
 * from cache — a clerk at the counter waits on this.
 */
export async function returnEligibility(
  db: Queryable,
  principal: Principal,
  args: { orderId: string; channel: Channel; storeId?: string | null },
  policy: ReturnPolicy,
) {
  assertMayPerform(principal, 'returnEligibility');
  if (!isId('ord', args.orderId)) throw badUserInput(Messages.malformedId('order', args.orderId), 'orderId');
  const [[order], returned] = await Promise.all([orderSnapshots(db, [args.orderId]), returnedQuantities(db, [args.orderId])]);
  // Another tenant's order answers exactly like an unknown one. (The verdict does not depend on
  // `storeId`, so naming any store reveals nothing: who acts in which store is checked when they act.)
  if (!order || !seesOrder(principal, { customerId: order.customer_id, partnerId: order.partner_id })) {
    throw badUserInput(`Order ${args.orderId} is not known to returns (yet); if it was just placed, retry shortly.`, 'orderId');
  }
  const now = new Date();
  const tenders = order.payments.filter((payment) => payment.capturedMinor > 0).map((payment) => payment.method);
  const lines = order.lines.map((line) => {
    const verdict = lineEligibility(policy, {
      returnChannel: args.channel,
      order: eligibilityOrder(order),
      line,
      alreadyReturnedQuantity: returned.get(line.orderLineId) ?? 0,
      now,
    });
    return {
      orderLine: { __typename: 'OrderLine', id: line.orderLineId },
      sku: line.sku,
      orderedQuantity: line.quantity,
      returnableQuantity: verdict.returnableQuantity,
      windowEndsAt: verdict.windowEndsAt,
      refundMethods: verdict.refundMethods,
      eligible: verdict.eligible,
      reasons: verdict.reasons,
    };
  });
  return {
    order: { __typename: 'Order', id: order.order_id },
    channel: args.channel,
    policyVersion: policy.version,
    eligible: lines.some((line) => line.eligible),
    refundMethods: refundMethodsFor(policy, args.channel, tenders),
    lines,
  };
}
