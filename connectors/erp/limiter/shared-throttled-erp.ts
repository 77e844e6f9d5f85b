import { assertValidCreditMemo } from '../credit-memo';
import {
  ErpUnavailableError,
  type ErpConnector,
  type ErpCreditMemo,
  type ErpCreditMemoPosting,
  type ErpCreditMemoRecord,
  type ErpStockMovement,
  type RecordWindow,
} from '../port';
import { AcquireAbandonedError, type SharedErpLimiter } from './shared-limiter';
import { timeThrottleWait } from '../../../platform/metrics';

/**
 * Protects an ERP across instances: wraps any `ErpConnector` so every call goes through a
 * `SharedErpLimiter` (rate and concurrency cap per ERP account, in PostgreSQL). Calls beyond the
 * limits wait their turn, never dropped.
 *
 * When the ERP answers `ErpUnavailableError`, calls of this process still waiting for their turn
 * are not sent: they fail with `ErpUnavailableError` too, so the caller's queue backs off and the
 * oldest posting is the first the ERP sees when it returns (rather than the ones that happened to
 * be waiting behind it). Its `retryAfterMs` holds every instance back through the limiter.
 */
export class SharedThrottledErp implements ErpConnector {
  /** Bumped on each `ErpUnavailableError`: a waiter that saw another number was overtaken by an outage. */
  private outages = 0;
  /** The inner ERP's listing, within the limits; absent when the inner ERP cannot list (the port's option stays visible). */
  readonly listCreditMemos?: (window: RecordWindow) => Promise<ErpCreditMemoRecord[]>;

  constructor(
    private readonly inner: ErpConnector,
    private readonly limiter: SharedErpLimiter,
  ) {
    const list = inner.listCreditMemos?.bind(inner);
    if (list) this.listCreditMemos = (window) => this.guarded(() => list(window));
  }

  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    return this.guarded(() => this.inner.postStockMovements(movements));
  }

  /** An invalid memo is refused at once, without waiting for (or spending) a turn at the ERP. */
  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    assertValidCreditMemo(memo);
    return this.guarded(() => this.inner.postCreditMemo(memo));
  }

  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    const seen = this.outages;
    const overtaken = () => this.outages !== seen;
    let lease;
    try {
      lease = await timeThrottleWait('shared', () => this.limiter.acquire(overtaken));
    } catch (error) {
      if (error instanceof AcquireAbandonedError) throw notSent();
      throw error;
    }
    try {
      if (overtaken()) throw notSent();
      return await call();
    } catch (error) {
      if (error instanceof ErpUnavailableError && this.outages === seen) {
        this.outages += 1;
        if (error.retryAfterMs) await this.limiter.hold(error.retryAfterMs);
      }
      throw error;
    } finally {
      await this.limiter.release(lease);
    }
  }
}

const notSent = () => new ErpUnavailableError('not sent: the ERP was unavailable for an earlier call');
