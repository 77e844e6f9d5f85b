/**
 * What the Shopify connector throws, one class per way it fails, so a caller decides by type:
 * retry later (`ShopifyUnavailableError`), fix the configuration (`ShopifyApiError` with an HTTP
 * 401/403), look at the data (`UnmappableShopifyOrderError`, `ShopifyUserErrorsError`).
 */

/** Shopify answered, and the answer is an error that retrying will not fix (auth, bad query, MAX_COST_EXCEEDED). */
export class ShopifyApiError extends Error {
  constructor(
    message: string,
    /** HTTP status when the failure was at the HTTP level; null for a GraphQL error in a 200. */
    readonly status: number | null,
    /** GraphQL error codes (`extensions.code`), e.g. `ACCESS_DENIED`, `MAX_COST_EXCEEDED`. */
    readonly codes: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ShopifyApiError';
  }
}

/** Shopify did not answer usefully after the bounded retries (5xx, network): transient, retry later. */
export class ShopifyUnavailableError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'ShopifyUnavailableError';
  }
}

/** One of a mutation's `userErrors`, as Shopify reports it. */
export interface ShopifyUserError {
  field: readonly string[] | null;
  message: string;
  code?: string | null;
}

/** A mutation refused by Shopify (`userErrors` not empty): nothing was changed. */
export class ShopifyUserErrorsError extends Error {
  constructor(
    /** The mutation, e.g. `returnCreate`. */
    readonly mutation: string,
    readonly userErrors: readonly ShopifyUserError[],
  ) {
    super(`Shopify refused ${mutation}: ${userErrors.map((e) => `${e.code ?? 'ERROR'} ${(e.field ?? []).join('.')} ${e.message}`.trim()).join('; ')}`);
    this.name = 'ShopifyUserErrorsError';
  }
}

/** Why a Shopify order cannot become a graph order. */
export type UnmappableReason = 'NO_SKU_LINES' | 'UNSUPPORTED_CURRENCY' | 'INVALID_AMOUNT' | 'INVALID_ID' | 'NO_STORE';

/** A Shopify order the graph cannot hold, naming the order and why. */
export class UnmappableShopifyOrderError extends Error {
  constructor(
    /** The order's gid. */
    readonly orderId: string,
    readonly reason: UnmappableReason,
    readonly detail: string,
    /** Set by the feed: where to resume to read past this order (`changedOrders(cursor, …)`). */
    readonly cursor: string | null = null,
  ) {
    super(`Shopify order ${orderId} cannot be mapped (${reason}): ${detail}`);
    this.name = 'UnmappableShopifyOrderError';
  }

  /** The same error, carrying where the feed resumes past the order. */
  withCursor(cursor: string): UnmappableShopifyOrderError {
    return new UnmappableShopifyOrderError(this.orderId, this.reason, this.detail, cursor);
  }
}

/** A mirrored return the Shopify order cannot carry (e.g. more units than were fulfilled for a SKU). */
export class ShopifyMirrorError extends Error {
  constructor(
    message: string,
    readonly code: 'ORDER_NOT_FOUND' | 'RETURN_NOT_FOUND' | 'NOT_RETURNABLE',
  ) {
    super(message);
    this.name = 'ShopifyMirrorError';
  }
}
