import { assertValidCreditMemo } from './credit-memo';
import type { ErpConnector, ErpCreditMemo, ErpCreditMemoPosting, ErpCreditMemoRecord, ErpStockMovement, RecordWindow } from './port';
import { Throttle, type ThrottleOptions, type ThrottleStats } from './throttle';

/**
 * Protects an ERP at peak: wraps any `ErpConnector` with a rate limit and a concurrency cap
 * (`Throttle`). Calls beyond the limits wait their turn — back-pressure, never a dropped or
 * refused posting. One instance per ERP account, shared by everything in the process that posts
 * to it, so the limits hold for the process as a whole.
 */
export class ThrottledErp implements ErpConnector {
  private readonly throttle: Throttle;

  /** `options` default to `DEFAULT_REQUESTS_PER_SECOND`, `DEFAULT_BURST` and `DEFAULT_MAX_CONCURRENCY` (see `throttle.ts`). */
  constructor(
    private readonly inner: ErpConnector,
    options: ThrottleOptions = {},
  ) {
    this.throttle = new Throttle(options, 'ThrottledErp');
    const list = inner.listCreditMemos?.bind(inner);
    if (list) this.listCreditMemos = (window) => this.throttle.run(() => list(window));
  }

  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    return this.throttle.run(() => this.inner.postStockMovements(movements));
  }

  /** An invalid memo is refused at once, without waiting for (or spending) a turn at the ERP. */
  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    assertValidCreditMemo(memo);
    return this.throttle.run(() => this.inner.postCreditMemo(memo));
  }

  /**
   * Present exactly when the wrapped ERP can list (an optional method of the port stays optional):
   * the listing takes its turn like any other call.
   */
  readonly listCreditMemos?: (window: RecordWindow) => Promise<ErpCreditMemoRecord[]>;

  /** In flight, queued, the highest concurrency seen, and totals. */
  stats(): ThrottleStats {
    return this.throttle.stats();
  }
}
