/**
 * Sizes the public API promises and enforces, shared by the subgraph that serves a list and the
 * gateway that prices it before any subgraph is called (gateway/plugins/cost-rules.ts). Declared
 * here once so the promise in the schema, the subgraph's check and the gateway's estimate agree.
 */

/**
 * SKUs per `availability` request. A POS screen or a product page asks for one to a few dozen; a
 * store's replenishment view for a shelf is the largest honest caller, and 250 covers it.
 */
export const MAX_AVAILABILITY_SKUS = 250;

/** Locations named per `availability` or `inventoryAccuracy` request: more than a region's stores. */
export const MAX_AVAILABILITY_LOCATIONS = 100;

/**
 * Upper bound of the locations (stores and warehouses) one deployment serves, used when a request
 * names none and so asks for every location. The gateway cannot count locations without calling
 * inventory, so it prices "all" at this bound; a retailer with more locations raises it together
 * with the cost limit.
 */
export const MAX_LOCATIONS = 100;

/** Reconciliation rows when `first` is absent: one screen of a finance review. */
export const DEFAULT_RECONCILIATION_ROWS = 100;

/** Reconciliation rows at most, whatever `first` says (larger values are clamped). */
export const MAX_RECONCILIATION_ROWS = 500;
