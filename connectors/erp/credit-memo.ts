/**
 * Validation of credit memos, shared by every ERP adapter: a memo whose parts do not add up is
 * refused before any ERP sees it, so a books-breaking bug surfaces at our door, with the numbers.
 */
import type { ErpCreditMemo } from './port';

/** A credit memo that cannot be booked as given (its parts do not add up, or a field is malformed). Never retried unchanged. */
export class InvalidCreditMemoError extends Error {
  constructor(
    message: string,
    /** Every problem found, so one round trip reports them all. */
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = 'InvalidCreditMemoError';
  }
}

/**
 * The refund's memo was posted before with another total or currency: our side computed two
 * different memos for one refund, a bug to look at, never to paper over by posting twice.
 */
export class CreditMemoConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CreditMemoConflictError';
  }
}

/** Most lines one memo may carry: far above any order, low enough to refuse a runaway payload. */
export const MAX_CREDIT_MEMO_LINES = 500;

const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max;

/** Throws `InvalidCreditMemoError` unless every field is well formed and the parts add up to the total. */
export function assertValidCreditMemo(memo: ErpCreditMemo): void {
  const problems = [...headerProblems(memo), ...amountProblems(memo), ...lineProblems(memo), ...tenderProblems(memo)];
  // Sums are only meaningful over well-formed parts.
  if (problems.length === 0) problems.push(...sumProblems(memo));
  if (problems.length > 0) {
    throw new InvalidCreditMemoError(`credit memo for refund ${String(memo.refundId)} is invalid: ${problems.join('; ')}`, problems);
  }
}

function headerProblems(memo: ErpCreditMemo): string[] {
  const problems: string[] = [];
  if (typeof memo.refundId !== 'string' || !/^rfd_\w{1,100}$/.test(memo.refundId))
    problems.push(`refundId must be a refund id "rfd_...", got ${String(memo.refundId)}`);
  if (!isText(memo.orderId, 200)) problems.push('orderId must be 1 to 200 characters');
  if (memo.returnId !== null && !isText(memo.returnId, 200)) problems.push('returnId must be null or 1 to 200 characters');
  if (typeof memo.currency !== 'string' || !/^[A-Z]{3}$/.test(memo.currency)) problems.push(`currency must be ISO 4217, got ${String(memo.currency)}`);
  if (typeof memo.occurredAt !== 'string' || Number.isNaN(Date.parse(memo.occurredAt)))
    problems.push(`occurredAt must be an ISO-8601 time, got ${String(memo.occurredAt)}`);
  return problems;
}

function amountProblems(memo: ErpCreditMemo): string[] {
  const problems: string[] = [];
  for (const field of ['shippingMinor', 'shippingTaxMinor', 'restockingFeeMinor'] as const) {
    if (!isAmount(memo[field])) problems.push(`${field} must be an integer >= 0, got ${String(memo[field])}`);
  }
  if (!isAmount(memo.totalMinor) || memo.totalMinor === 0) problems.push(`totalMinor must be an integer > 0, got ${String(memo.totalMinor)}`);
  return problems;
}

function lineProblems(memo: ErpCreditMemo): string[] {
  const problems: string[] = [];
  const lines = Array.isArray(memo.lines) ? memo.lines : [];
  if (!Array.isArray(memo.lines) || lines.length > MAX_CREDIT_MEMO_LINES) problems.push(`lines must be a list of at most ${MAX_CREDIT_MEMO_LINES}`);
  lines.forEach((line, i) => {
    if (line.sku !== undefined && !isText(line.sku, 100)) problems.push(`lines[${i}].sku must be 1 to 100 characters when given`);
    if (!isText(line.description, 500)) problems.push(`lines[${i}].description must be 1 to 500 characters`);
    if (!isAmount(line.netMinor)) problems.push(`lines[${i}].netMinor must be an integer >= 0, got ${String(line.netMinor)}`);
    if (!isAmount(line.taxMinor)) problems.push(`lines[${i}].taxMinor must be an integer >= 0, got ${String(line.taxMinor)}`);
  });
  return problems;
}

function tenderProblems(memo: ErpCreditMemo): string[] {
  const problems: string[] = [];
  const tenders = Array.isArray(memo.tenders) ? memo.tenders : [];
  if (tenders.length === 0) problems.push('tenders must name at least one way the refund was paid out');
  tenders.forEach((tender, i) => {
    if (typeof tender.method !== 'string' || !/^[A-Z][A-Z_]{0,39}$/.test(tender.method))
      problems.push(`tenders[${i}].method must be an UPPER_SNAKE code, got ${String(tender.method)}`);
    if (!isAmount(tender.amountMinor) || tender.amountMinor === 0)
      problems.push(`tenders[${i}].amountMinor must be an integer > 0, got ${String(tender.amountMinor)}`);
  });
  return problems;
}

/** The lines, shipping and fee must add up to the total, and so must the tenders. */
function sumProblems(memo: ErpCreditMemo): string[] {
  const problems: string[] = [];
  const parts = creditMemoParts(memo);
  const computed = parts.merchandiseNetMinor + parts.merchandiseTaxMinor + memo.shippingMinor + memo.shippingTaxMinor - memo.restockingFeeMinor;
  if (computed !== memo.totalMinor) {
    problems.push(
      `the parts add up to ${computed} (lines net ${parts.merchandiseNetMinor} + lines tax ${parts.merchandiseTaxMinor} + shipping ${memo.shippingMinor} + shipping tax ${memo.shippingTaxMinor} − restocking fee ${memo.restockingFeeMinor}), not totalMinor ${memo.totalMinor}`,
    );
  }
  const tendered = memo.tenders.reduce((sum, t) => sum + t.amountMinor, 0);
  if (tendered !== memo.totalMinor) problems.push(`the tenders add up to ${tendered}, not totalMinor ${memo.totalMinor}`);
  return problems;
}

/** The memo's merchandise totals (sums over its lines). */
export function creditMemoParts(memo: ErpCreditMemo): { merchandiseNetMinor: number; merchandiseTaxMinor: number } {
  let merchandiseNetMinor = 0;
  let merchandiseTaxMinor = 0;
  for (const line of memo.lines) {
    merchandiseNetMinor += line.netMinor;
    merchandiseTaxMinor += line.taxMinor;
  }
  return { merchandiseNetMinor, merchandiseTaxMinor };
}
