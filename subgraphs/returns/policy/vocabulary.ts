/**
 * The closed vocabularies a return policy speaks: channels, tenders, refund methods and fraud
 * outcomes (the graph's shared vocabulary, from `contracts/`), and the policy's own return
 * reasons and window starts. A policy document is checked against the same names the API shows.
 */

/** Why a unit comes back (`ReturnReason` in the returns schema, after Shopify's reasons). */
export const RETURN_REASONS = [
  'SIZE_TOO_SMALL',
  'SIZE_TOO_LARGE',
  'UNWANTED',
  'NOT_AS_DESCRIBED',
  'WRONG_ITEM',
  'DEFECTIVE',
  'STYLE',
  'COLOR',
  'OTHER',
  'UNKNOWN',
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
