import type { Queryable } from '../../../platform/db';
import { newId } from '../../../platform/ids';
import { lineEligibility, restockingFeeMinor, type IneligibleCode, type ReturnPolicy } from '../policy';
import { returnedUnitsValue } from '../domain/valuation';
import { eligibilityOrder, returnedQuantities, type NewReturnLine, type OrderSnapshot, type SnapshotLine } from './lifecycle-queries';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import type { CreateReturnInput, ReturnLineInput } from './create';

/** A priced line of a new return, with its tax share (the return's value counts it). */
export interface EvaluatedLine extends NewReturnLine {
  taxMinor: number;
}

/** The requested lines, priced; or, when `errors` is not empty, why the return cannot be taken. */
export interface EvaluatedLines {
  errors: UserError[];
  lines: EvaluatedLine[];
}

/** Longest customer note on a line; matches the SQL CHECK. */
const MAX_CUSTOMER_NOTE_LENGTH = 2000;

/** The userError path of a field of requested line `index`. */
type LineField = (name: string) => (string | number)[];

/**
 * Validates and prices the requested lines against the order and the policy. Every failure is
 * reported, not only the first; a line is priced only once it passed, so its units are a slice of
 * the order line that exists.
 */
export async function evaluateLines(tx: Queryable, order: OrderSnapshot, input: CreateReturnInput, policy: ReturnPolicy, now: Date): Promise<EvaluatedLines> {
  const errors: UserError[] = [];
  const lines: EvaluatedLine[] = [];
  if (input.lines.length === 0) errors.push(userError(ReturnErrorCode.NO_LINES, ['input', 'lines'], ReturnMessages.noLines));
  const returned = await returnedQuantities(tx, [order.order_id]);
  const seen = new Set<string>();
  input.lines.forEach((requested, index) => {
    const field: LineField = (name) => ['input', 'lines', index, name];
    const line = order.lines.find((candidate) => candidate.orderLineId === requested.orderLineId);
    if (!line)
      return void errors.push(userError(ReturnErrorCode.LINE_NOT_ON_ORDER, field('orderLineId'), ReturnMessages.lineNotOnOrder(requested.orderLineId)));
    const malformed = malformedLine(line, requested, seen, field);
    if (malformed) return void errors.push(malformed);
    const alreadyReturned = returned.get(line.orderLineId) ?? 0;
    const refusals = ineligibility(policy, { order, input, line, requested, alreadyReturned, now }, field);
    errors.push(...refusals);
    if (refusals.length === 0) lines.push(pricedLine(policy, line, requested, alreadyReturned));
  });
  return { errors, lines };
}

/** The first thing wrong with a requested line as such (repeated, bad quantity or note), or null; marks it seen. */
function malformedLine(line: SnapshotLine, requested: ReturnLineInput, seen: Set<string>, field: LineField): UserError | null {
  if (seen.has(line.orderLineId)) return userError(ReturnErrorCode.DUPLICATE_LINE, field('orderLineId'), ReturnMessages.duplicateLine);
  seen.add(line.orderLineId);
  if (!Number.isInteger(requested.quantity) || requested.quantity < 1)
    return userError(ReturnErrorCode.INVALID_QUANTITY, field('quantity'), ReturnMessages.invalidQuantity);
  if (requested.customerNote && requested.customerNote.length > MAX_CUSTOMER_NOTE_LENGTH) {
    return userError(ReturnErrorCode.INVALID_VALUE, field('customerNote'), 'A note may have at most 2,000 characters.');
  }
  return null;
}

/** What the policy says about returning these units of this line. */
interface LineRequest {
  order: OrderSnapshot;
  input: CreateReturnInput;
  line: SnapshotLine;
  requested: ReturnLineInput;
  alreadyReturned: number;
  now: Date;
}

/** Why the policy refuses the requested units (final sale, window, quantity left), as userErrors. */
/** The userError code of each reason a line cannot be returned. */
const LINE_ERROR_OF: Record<IneligibleCode, ReturnErrorCode> = {
  FINAL_SALE: ReturnErrorCode.FINAL_SALE,
  WINDOW_EXPIRED: ReturnErrorCode.WINDOW_EXPIRED,
  ORDER_CANCELLED: ReturnErrorCode.ORDER_CANCELLED,
  NOTHING_LEFT_TO_RETURN: ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE,
};

function ineligibility(policy: ReturnPolicy, request: LineRequest, field: LineField): UserError[] {
  const { order, line, requested } = request;
  const verdict = lineEligibility(policy, {
    returnChannel: request.input.channel,
    order: eligibilityOrder(order),
    line,
    alreadyReturnedQuantity: request.alreadyReturned,
    now: request.now,
  });
  const errors = verdict.reasons.map((reason) => {
    const code = LINE_ERROR_OF[reason.code];
    return userError(code, code === ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE ? field('quantity') : field('orderLineId'), reason.message);
  });
  if (verdict.eligible && requested.quantity > verdict.returnableQuantity) {
    errors.push(userError(ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE, field('quantity'), ReturnMessages.exceedsReturnable(verdict.returnableQuantity)));
  }
  return errors;
}

/** The new return line: its units valued as the next slice of the order line, and its restocking fee. */
function pricedLine(policy: ReturnPolicy, line: SnapshotLine, requested: ReturnLineInput, alreadyReturned: number): EvaluatedLine {
  const { netValueMinor, taxMinor } = returnedUnitsValue(line, alreadyReturned, requested.quantity);
  return {
    id: newId('rli'),
    orderLineId: line.orderLineId,
    sku: line.sku,
    category: line.category,
    quantity: requested.quantity,
    reason: requested.reason,
    customerNote: requested.customerNote ?? null,
    netValueMinor,
    taxMinor,
    restockingFeeMinor: restockingFeeMinor(policy, { category: line.category, reason: requested.reason, netValueMinor }),
  };
}
