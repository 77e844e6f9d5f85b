/**
 * The ERP connector port: how Returns Graph tells the system of record for money and stock what
 * happened. Every call is idempotent by our own row id, so a retry after a crash books nothing twice.
 * Implementations: the reference ERP (`reference/`, the embedded default, in its own schema),
 * NetSuite (`netsuite/`, SuiteTalk REST) and Dynamics 365 Business Central (`business-central/`,
 * API v2.0). All pass `testing/erp-connector.contract.ts`.
 */

/** A window of ERP records, [from, to) (the same shape as the payment port's). */
export interface RecordWindow {
  from: Date;
  to: Date;
}

/** One stock movement as the ERP books it. */
export interface ErpStockMovement {
  /** Our movement id (`mov_...`): the ERP's idempotency key. */
  movementId: string;
  sku: string;
  locationId: string;
  fromState: string | null;
  toState: string | null;
  quantity: number;
  reason: string;
  occurredAt: string;
  /** The return the movement belongs to (a receipt or a disposition of returned units), when it does. */
  returnId?: string | null;
}

/** One refunded line of a credit memo; amounts in minor units of the memo's currency. */
export interface ErpCreditMemoLine {
  /** The item, when the line is merchandise (absent for e.g. a goodwill line). */
  sku?: string;
  description: string;
  /** Refunded price net of tax, >= 0. */
  netMinor: number;
  /** Sales tax refunded on the line, >= 0. */
  taxMinor: number;
}

/** How the refund reached the customer: an original payment, store credit, cash at a counter. */
export interface ErpCreditMemoTender {
  /**
   * e.g. `ORIGINAL_PAYMENT`, `STORE_CREDIT`, `CASH`; the ERP maps it to the account credited
   * (the reference ERP: STORE_CREDIT → store credit liability, CASH → cash, anything else → refund clearing).
   */
  method: string;
  /** > 0. */
  amountMinor: number;
}

/**
 * A credit memo: the ERP's record of money given back, with its tax adjustment. The parts must add
 * up: Σ(line net + tax) + shipping + shipping tax − restocking fee = total = Σ tenders
 * (`assertValidCreditMemo`); an ERP refuses a memo that does not.
 */
export interface ErpCreditMemo {
  /** Our refund id (`rfd_...`): the ERP's idempotency key. */
  refundId: string;
  orderId: string;
  /** The return the refund is for; null for a refund without a return (e.g. an appeasement). */
  returnId: string | null;
  /**
   * The order's number in the sales channel (e.g. `R100042`): how an ERP finds the sales order the
   * commerce integration booked, to transform it (NetSuite) or to reference it. Absent in old tests.
   */
  orderNumber?: string;
  /** Our customer id of the order; an ERP resolves its customer record by it (or a configured default). */
  customerId?: string | null;
  /** ISO 4217, upper case. */
  currency: string;
  lines: readonly ErpCreditMemoLine[];
  /** Shipping refunded, net of tax, >= 0. */
  shippingMinor: number;
  /** Tax on the shipping refunded, >= 0. */
  shippingTaxMinor: number;
  /** Fee kept by the retailer (deducted from the refund), >= 0; booked as income, untaxed in this model. */
  restockingFeeMinor: number;
  /** What was refunded, > 0. */
  totalMinor: number;
  /** How the total was paid out; the amounts add up to `totalMinor`. */
  tenders: readonly ErpCreditMemoTender[];
  /** ISO-8601 UTC: when the refund succeeded. */
  occurredAt: string;
}

/** The ERP's answer to a credit memo posting. */
export interface ErpCreditMemoPosting {
  /** The ERP's number of the memo (reference ERP: `CM-000001`). */
  erpReference: string;
  /** True when this refund's memo had been posted before: nothing new was booked. */
  duplicate: boolean;
}

/** One credit memo as the ERP holds it, for reconciliation. */
export interface ErpCreditMemoRecord {
  /** Our refund id, read back from the memo's external id; null for a memo we did not post. */
  refundId: string | null;
  erpReference: string;
  totalMinor: number;
  currency: string;
  /** When the ERP booked it. */
  postedAt: Date;
}

/**
 * The ERP could not take the call now (a 429 concurrency or rate limit, governance, a 5xx, a
 * timeout, an outage): nothing was booked, or the retry with the same id finds what was. Retry
 * later, in order; never drop the posting.
 */
export class ErpUnavailableError extends Error {
  constructor(
    message: string,
    /** How long the ERP asked us to wait (`Retry-After`), when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ErpUnavailableError';
  }
}

/**
 * The ERP refused the posting for good (a record it cannot find, a validation error of its own):
 * retrying unchanged cannot succeed; a person must look (the memo is shown FAILED with the reason).
 */
export class ErpRefusedError extends Error {
  constructor(
    message: string,
    /** The ERP's own error code, e.g. NetSuite `INVALID_KEY_OR_REF`, Business Central `BadRequest_NotFound`. */
    readonly code: string,
  ) {
    super(message);
    this.name = 'ErpRefusedError';
  }
}

/** The ERP, as the inventory and refunds subgraphs use it. */
export interface ErpConnector {
  /** Books stock movements; a movement already booked is skipped. Returns how many were new. */
  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number>;
  /**
   * Posts a refund's credit memo and its journal entry, idempotent by `memo.refundId`: a second
   * posting returns the first one's reference with `duplicate: true`. Throws
   * `InvalidCreditMemoError` for a memo whose parts do not add up (never retry it unchanged) and
   * `CreditMemoConflictError` when the refund was posted before with another total or currency.
   */
  postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting>;
  /** The ERP's credit memos booked in `window`, for three-way reconciliation. Throws `ErpUnavailableError` when they cannot be read now. */
  listCreditMemos?(window: RecordWindow): Promise<ErpCreditMemoRecord[]>;
}

/**
 * Errors the port documents as definitive besides `ErpRefusedError`: a memo that does not add up,
 * or a second, different memo for one refund (`connectors/erp/credit-memo.ts`, beside the
 * adapters, where a subgraph may not look — hence by name).
 */
const DEFINITIVE_ERROR_NAMES: ReadonlySet<string> = new Set(['ErpRefusedError', 'InvalidCreditMemoError', 'CreditMemoConflictError']);

/**
 * What an ERP error means for the posting that got it: `refused` (never retry it unchanged; the
 * reason names the ERP's code when it gave one), `unavailable` (retry later, in order, honouring
 * `retryAfterMs`), or `unknown` (anything else: retry later, this posting alone).
 */
export function erpFailureKind(error: unknown): { kind: 'refused'; reason: string } | { kind: 'unavailable'; retryAfterMs?: number } | { kind: 'unknown' } {
  if (error instanceof ErpUnavailableError) return { kind: 'unavailable', retryAfterMs: error.retryAfterMs };
  if (error instanceof Error && DEFINITIVE_ERROR_NAMES.has(error.name)) {
    const code = error instanceof ErpRefusedError ? ` (${error.code})` : '';
    return { kind: 'refused', reason: `${error.name}: ${error.message}${code}` };
  }
  return { kind: 'unknown' };
}
