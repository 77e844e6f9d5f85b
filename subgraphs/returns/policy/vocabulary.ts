/**
 * The closed vocabularies a return policy speaks: channels, tenders, refund methods and return
 * reasons. They mirror the enums of the orders and returns schemas, so a policy document can be
 * checked against the same names the API shows.
 */

/** Sales channels (`Channel` in the graph). */
export const CHANNELS = ['ECOMMERCE', 'MOBILE', 'POS', 'MARKETPLACE'] as const;
/** One of `CHANNELS`. */
export type Channel = (typeof CHANNELS)[number];

/** How an order was paid (`PaymentMethod` in the orders schema); a "tender" in store terms. */
export const PAYMENT_METHODS = ['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH'] as const;
/** One of `PAYMENT_METHODS`. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** How a refund may be paid out; results list them in this order. */
export const REFUND_METHODS = ['ORIGINAL_PAYMENT', 'STORE_CREDIT', 'GIFT_CARD', 'CASH'] as const;
/** One of `REFUND_METHODS`. */
export type RefundMethod = (typeof REFUND_METHODS)[number];

/** Why a unit comes back (`ReturnReason` in the returns schema, after Shopify's reasons). */
export const RETURN_REASONS = [
  'SIZE_TOO_SMALL', 'SIZE_TOO_LARGE', 'UNWANTED', 'NOT_AS_DESCRIBED', 'WRONG_ITEM',
  'DEFECTIVE', 'STYLE', 'COLOR', 'OTHER', 'UNKNOWN',
] as const;
/** One of `RETURN_REASONS`. */
export type ReturnReason = (typeof RETURN_REASONS)[number];

/** Where a return window starts counting: the delivery to the customer, or the sale itself. */
export const WINDOW_STARTS = ['DELIVERY', 'PURCHASE'] as const;
/** One of `WINDOW_STARTS`. */
export type WindowStart = (typeof WINDOW_STARTS)[number];

/** A rule field set to this matches any value; a rule naming a value beats it. */
export const WILDCARD = '*';
/** The wildcard's type. */
export type Wildcard = typeof WILDCARD;

/**
 * Product categories as the orders store keeps them (its `category` CHECK constraint), so a policy
 * cannot name a category no order line could ever carry (e.g. "Electronics" with a capital).
 */
export const CATEGORY_PATTERN = /^[a-z0-9_-]{1,40}$/;

/** Fraud assessment outcomes, from best to worst: the worst signal that fired decides. */
export const FRAUD_OUTCOMES = ['APPROVE', 'REVIEW', 'DECLINE'] as const;
/** One of `FRAUD_OUTCOMES`. */
export type FraudOutcome = (typeof FRAUD_OUTCOMES)[number];
