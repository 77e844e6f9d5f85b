import {
  ErpUnavailableError,
  type ErpConnector,
  type ErpCreditMemo,
  type ErpCreditMemoPosting,
  type ErpCreditMemoRecord,
  type ErpStockMovement,
  type RecordWindow,
} from '../port';

/** When the reference ERP is down for the drill (DRILL_ERP_DOWN_AFTER_S, DRILL_ERP_DOWN_FOR_S), in ms after start. */
export interface ErpOutageWindow {
  downAfterMs: number;
  downForMs: number;
}

/**
 * The ERP outage drill: the reference ERP answers `ErpUnavailableError` for every call during one
 * window after start, with `retryAfterMs` pointing at the window's end, so credit memos and stock
 * movements queue (in order) and then drain on their own. Wraps the reference ERP only: a drill must
 * never touch a real ERP. Values come validated from app/config.ts.
 */
export class ErpOutageDrill implements ErpConnector {
  private readonly downFrom: number;
  private readonly downUntil: number;

  constructor(
    private readonly erp: ErpConnector,
    window: ErpOutageWindow,
    private readonly now: () => number = Date.now,
  ) {
    this.downFrom = now() + window.downAfterMs;
    this.downUntil = this.downFrom + window.downForMs;
  }

  /** True while the drill holds the ERP down. */
  isDown(): boolean {
    const at = this.now();
    return at >= this.downFrom && at < this.downUntil;
  }

  async postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    this.throwIfDown();
    return this.erp.postStockMovements(movements);
  }

  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    this.throwIfDown();
    return this.erp.postCreditMemo(memo);
  }

  async listCreditMemos(window: RecordWindow): Promise<ErpCreditMemoRecord[]> {
    this.throwIfDown();
    if (!this.erp.listCreditMemos) throw new ErpUnavailableError('this ERP cannot list credit memos');
    return this.erp.listCreditMemos(window);
  }

  private throwIfDown(): void {
    if (!this.isDown()) return;
    const left = this.downUntil - this.now();
    throw new ErpUnavailableError(`reference ERP is down for the failure drill (DRILL_ERP_DOWN_FOR_S) for ${Math.ceil(left / 1000)} s more`, left);
  }
}
