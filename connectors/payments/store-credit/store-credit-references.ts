/**
 * What a refund through the store-credit ledger credits, read from `RefundRequest.paymentReference`
 * (the refunds subgraph writes these on its tenders with `storeCreditReference` from `../port.ts`):
 * - `customer:<customer id>` — the customer's store-credit account;
 * - `gift_card:<number>` — that gift card (the card an order was paid with);
 * - `gift_card:new:<customer id>` — a gift card the ledger issues now, owned by that customer;
 * - anything else — a redemption the ledger recorded (credit spent at checkout, `redeem`), paid
 *   back to the account it was spent from, never beyond what it took.
 */
export type CreditTarget =
  | { kind: 'customer'; accountKey: string; customerId: string }
  | { kind: 'gift_card'; accountKey: string }
  | { kind: 'new_gift_card'; ownerCustomerId: string }
  | { kind: 'redemption'; reference: string };

/** Identifiers inside a reference: no whitespace, no leading colon, at most 200 characters. */
const HOLDER = /^[^\s:][^\s]{0,199}$/;
/** Issued gift card numbers never start like this, so `gift_card:new:` can only mean "issue one". */
const NEW_CARD_PREFIX = 'new:';

/** The target of `reference`, or null when it names an account malformed. */
export function creditTarget(reference: string): CreditTarget | null {
  if (reference.startsWith('customer:')) {
    const customerId = reference.slice('customer:'.length);
    return HOLDER.test(customerId) ? { kind: 'customer', accountKey: reference, customerId } : null;
  }
  if (reference.startsWith('gift_card:')) {
    const rest = reference.slice('gift_card:'.length);
    if (rest.startsWith(NEW_CARD_PREFIX)) {
      const owner = rest.slice(NEW_CARD_PREFIX.length);
      return HOLDER.test(owner) ? { kind: 'new_gift_card', ownerCustomerId: owner } : null;
    }
    return HOLDER.test(rest) ? { kind: 'gift_card', accountKey: reference } : null;
  }
  return { kind: 'redemption', reference };
}
