/**
 * Which refund methods a return may use. Semantics: for each tender the order was paid with, the
 * most specific refund-method rule for (return channel, tender) gives its methods; the result is
 * the UNION over the order's tenders, in `REFUND_METHODS` order. Union, because a split-tender
 * order (gift card + card) must be able to give each part back its own way; the refund
 * calculation decides how much goes to each. The RETURN's channel decides, because cash can only
 * be handed out at a counter: the document's validation allows CASH only in a POS/CASH rule, so
 * no code branch is needed here.
 */
import type { ReturnPolicy } from './schema';
import { matchValue, mostSpecific } from './specificity';
import { REFUND_METHODS, type Channel, type PaymentMethod, type RefundMethod } from '../../../contracts/vocabulary';

/** Refund methods allowed for one tender in one channel (most specific rule wins). */
export function refundMethodsForTender(policy: ReturnPolicy, returnChannel: Channel, tender: PaymentMethod): readonly RefundMethod[] {
  const rule = mostSpecific(policy.refundMethods, (r) => [matchValue(r.channel, returnChannel), matchValue(r.tender, tender)]);
  // Validation guarantees a "*"/"*" rule, so this only fires on an unvalidated object.
  if (!rule) throw new Error('return policy has no catch-all refund-method rule; load it with parsePolicy()');
  return rule.methods;
}

/**
 * Refund methods allowed for a return taken in `returnChannel` of an order paid with `tenders`
 * (the union described above). No tenders (nothing was captured) → no methods: there is nothing to
 * give back.
 */
export function refundMethodsFor(policy: ReturnPolicy, returnChannel: Channel, tenders: readonly PaymentMethod[]): RefundMethod[] {
  const allowed = new Set<RefundMethod>();
  for (const tender of new Set(tenders)) {
    for (const method of refundMethodsForTender(policy, returnChannel, tender)) allowed.add(method);
  }
  return REFUND_METHODS.filter((method) => allowed.has(method));
}
