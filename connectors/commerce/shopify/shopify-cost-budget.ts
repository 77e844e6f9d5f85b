/**
 * The client's picture of Shopify's leaky bucket for one app on one store. Every Admin API answer
 * carries `extensions.cost` (what the query was priced at, and the bucket after it); from the last
 * one, the restore rate and the time since, the budget estimates what is available now, and says
 * how long to wait before a query that costs more than that — so the feed slows down instead of
 * collecting THROTTLED answers, and never drops a page.
 */

/** Shopify's `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  /** Points restored per second. */
  restoreRate: number;
}

/** Shopify's `extensions.cost`. */
export interface QueryCost {
  requestedQueryCost: number;
  /** Null when the query did not run (throttled). */
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

/**
 * Shortest wait after a THROTTLED answer. The computed wait can be zero when another process of
 * the same app spent the bucket between Shopify's answer and ours; waiting a moment anyway keeps
 * two workers from retrying in a tight loop.
 */
export const MIN_THROTTLE_WAIT_MS = 100;

/** Wait after a THROTTLED answer without cost data (a proxy stripped it): one second restores at least 50 points on any plan. */
export const DEFAULT_THROTTLE_WAIT_MS = 1_000;

/** Reads `extensions.cost` from an answer's extensions; null when it is absent or malformed. */
export function costOf(extensions: unknown): QueryCost | null {
  const cost = (extensions as { cost?: Partial<QueryCost> } | null | undefined)?.cost;
  const status = cost?.throttleStatus;
  if (!cost || typeof cost.requestedQueryCost !== 'number' || !status) return null;
  if (typeof status.currentlyAvailable !== 'number' || typeof status.restoreRate !== 'number' || typeof status.maximumAvailable !== 'number') return null;
  return { requestedQueryCost: cost.requestedQueryCost, actualQueryCost: cost.actualQueryCost ?? null, throttleStatus: status };
}

/** Milliseconds to restore `missing` points at `restoreRate` points per second. */
function restoreMs(missing: number, restoreRate: number): number {
  if (missing <= 0) return 0;
  if (restoreRate <= 0) return DEFAULT_THROTTLE_WAIT_MS;
  return Math.ceil((missing / restoreRate) * 1000);
}

/** The bucket as last reported, and the price of each query text seen so far. */
export class CostBudget {
  private status: ThrottleStatus | null = null;
  private reportedAt = 0;
  /** Requested cost per query text: Shopify prices a query by its text and `first` arguments, so the last price is a good estimate. */
  private readonly prices = new Map<string, number>();

  constructor(private readonly now: () => number) {}

  /** Notes an answer's cost (successful or throttled). */
  record(query: string, cost: QueryCost | null): void {
    if (!cost) return;
    this.prices.set(query, cost.requestedQueryCost);
    this.status = cost.throttleStatus;
    this.reportedAt = this.now();
  }

  /** Points available now by the last report and the restore rate; null before the first answer. */
  available(): number | null {
    if (!this.status) return null;
    const restored = (this.status.restoreRate * Math.max(0, this.now() - this.reportedAt)) / 1000;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + restored);
  }

  /** How long to wait before sending `query`: (cost − available) / restoreRate, 0 when it fits or is not priced yet. */
  waitBefore(query: string): number {
    const price = this.prices.get(query);
    const available = this.available();
    if (price === undefined || available === null || !this.status) return 0;
    return restoreMs(price - available, this.status.restoreRate);
  }

  /** How long to wait after a THROTTLED answer carrying `cost`. */
  waitAfterThrottle(cost: QueryCost | null): number {
    if (!cost) return DEFAULT_THROTTLE_WAIT_MS;
    const { currentlyAvailable, restoreRate } = cost.throttleStatus;
    return Math.max(MIN_THROTTLE_WAIT_MS, restoreMs(cost.requestedQueryCost - currentlyAvailable, restoreRate));
  }
}
