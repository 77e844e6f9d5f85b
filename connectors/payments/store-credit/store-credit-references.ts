/**
 * What a refund through the store-credit ledger credits, read from `RefundRequest.paymentReference`
 * (the refunds subgraph writes these on its tenders with `storeCreditReference` from `../port.ts`):
 * - `customer:<customer id>` — the customer's store-credit account;
 * - `gift_card:<number>` — that gift card (the card an order was paid with);
 * - `new_gift_card:<customer id>` — a gift card the ledger issues now, owned by that customer;
 * - anything else — a redemption the ledger recorded (credit spent at checkout, `redeem`), paid
 *   back to the account it was spent from, never beyond what it took.
 */
export type CreditTarget =
  | { kind: 'customer'; accountKey: string; customerId: string }
  | { kind: 'gift_card'; accountKey: string }
  | { kind: 'new_gift_card'; ownerCustomerId: string }
  | { kind: 'redemption'; reference: string };

/**
 * Ids inside a reference, as the order carried them (orders allow customer ids of 64 and payment
 * references of 255 characters, spaces included): 1 to 255 characters, no control characters.
 */
const HOLDER = /^[^\p{Cc}]{1,255}$/u;

/** The target of `reference`, or null when it names an account but a malformed one. */
export function creditTarget(reference: string): CreditTarget | null {
  const [prefix, ...rest] = reference.split(':');
  const holder = rest.join(':');
  switch (prefix) {
    case 'customer':
      return HOLDER.test(holder) ? { kind: 'customer', accountKey: reference, customerId: holder } : null;
    case 'gift_card':
      return HOLDER.test(holder) ? { kind: 'gift_card', accountKey: reference } : null;
    case 'new_gift_card':
      return HOLDER.test(holder) ? { kind: 'new_gift_card', ownerCustomerId: holder } : null;
    default:
      return { kind: 'redemption', reference };
  }
}
