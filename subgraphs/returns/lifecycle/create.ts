import type { Queryable } from '../../../platform/db';
import type { Principal } from '../../../platform/auth';
import { appendEvents } from '../../../platform/events/outbox';
import { newId } from '../../../platform/ids';
import {
  approvalDecision,
  fraudAssessment,
  lineEligibility,
  refundMethodsFor,
  restockingFeeMinor,
  type ReturnPolicy,
  type ReturnReason,
} from '../policy';
import type { Channel, RefundMethod, ReturnStatus } from '../../../contracts/vocabulary';
import { ReturnAuthorized, ReturnDeclined, ReturnRequested } from '../../../contracts/events/returns';
import type { ReturnsSettings } from '../settings';
import { isManagerFor, seesOrder } from './access';
import { authorize } from '../../../platform/auth';
import { appendTimeline, headerOf } from './transitions';
import { customerHistory, insertReturn, lockOrderSnapshot, lockReturn, returnedQuantities, type NewReturnLine, type OrderSnapshot } from './lifecycle-queries';
import { changed, refused, type ReturnPayload } from './payload';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import { authorizedEventData } from './event-data';
import { unknownPlaces } from './locations';
import { transition, type ReturnAction } from '../domain/status';

/** One requested line. */
export interface ReturnLineInput {
  orderLineId: string;
  quantity: number;
  reason: ReturnReason;
  customerNote?: string | null;
}

/** Input of `requestReturn` and `authorizeReturn`. */
export interface CreateReturnInput {
  orderId: string;
  /** The channel the return is requested or taken in. */
  channel: Channel;
  /** The store taking the return (required at POS). */
  storeId?: string | null;
  lines: ReturnLineInput[];
  refundMethod?: RefundMethod | null;
  /** False for a receipt-less return at a counter (a fraud signal). Default true. */
  receiptPresented?: boolean | null;
  /** Where the units will be received; default the store (POS) or the returns warehouse. */
  destinationLocationId?: string | null;
  note?: string | null;
}

/** How the return is being created: customer self-service, or validated and authorized at once. */
export type CreateMode = 'request' | 'authorize';

/**
 * Creates a return after applying the one policy: eligibility per line (window, final sale,
 * quantity left across every channel), refund method, restocking fees, approval threshold and
 * fraud signals. The order's snapshot row is locked first, so concurrent returns on one order are
 * serialised and can never together return more than was bought. Ship-back units go to
 * `settings.defaultLocationId` unless the input names a destination.
 */
export async function createReturn(
  tx: Queryable,
  principal: Principal,
  input: CreateReturnInput,
  mode: CreateMode,
  policy: ReturnPolicy,
  settings: ReturnsSettings,
): Promise<ReturnPayload> {
  const order = await lockOrderSnapshot(tx, input.orderId);
  const owner = { customerId: order?.customer_id ?? null, partnerId: order?.partner_id ?? null };
  // Another tenant's order answers exactly like an unknown one.
  if (!order || !seesOrder(principal, owner)) return refused(userError(ReturnErrorCode.ORDER_NOT_FOUND, ['input', 'orderId'], ReturnMessages.orderNotFound(input.orderId)));
  const storeId = input.storeId ?? null;
  if (mode === 'request' && input.channel === 'POS') {
    return refused(userError(ReturnErrorCode.INVALID_VALUE, ['input', 'channel'], 'A return at a counter is authorized with authorizeReturn; requestReturn is for ECOMMERCE, MOBILE and MARKETPLACE.'));
  }
  if (input.channel === 'POS' && !storeId) return refused(userError(ReturnErrorCode.STORE_REQUIRED, ['input', 'storeId'], ReturnMessages.storeRequired));
  authorize(principal, mode === 'authorize' ? 'authorizeReturn' : 'requestReturn', { ...owner, locationIds: [storeId] });
  const destination = input.destinationLocationId ?? (input.channel === 'POS' ? storeId : settings.defaultLocationId);
  // Inventory expects and receives the units at these places; one it does not know would dead-letter them.
  const placeErrors = await unknownPlaces(tx, {
    storeId,
    destinationLocationId: input.destinationLocationId ?? null,
    defaultDestination: input.destinationLocationId || input.channel === 'POS' ? null : settings.defaultLocationId,
  });
  if (placeErrors.length > 0) return { returnId: null, userErrors: placeErrors };

  const now = new Date();
  const evaluated = await evaluateLines(tx, order, input, policy, now);
  if (evaluated.errors.length > 0) return { returnId: null, userErrors: evaluated.errors };

  const tenders = order.payments.filter((payment) => payment.capturedMinor > 0).map((payment) => payment.method);
  const allowed = refundMethodsFor(policy, input.channel, tenders);
  if (input.refundMethod && !allowed.includes(input.refundMethod)) {
    return refused(userError(ReturnErrorCode.REFUND_METHOD_NOT_ALLOWED, ['input', 'refundMethod'], ReturnMessages.refundMethodNotAllowed(allowed)));
  }
  const valueMinor = evaluated.lines.reduce((sum, line) => sum + line.netValueMinor + line.taxMinor, 0);
  const history = await customerHistory(tx, order.customer_id, now);
  const receiptPresented = input.receiptPresented ?? true;
  const fraud = fraudAssessment(policy, {
    // The policy counts the return being assessed.
    returnsIn30Days: history.returnsIn30Days + 1,
    returnsIn90Days: history.returnsIn90Days + 1,
    returnedValue90DaysMinor: history.returnedValue90DaysMinor + valueMinor,
    purchasedValue90DaysMinor: history.purchasedValue90DaysMinor,
    receiptless: !receiptPresented,
  });
  const approval = approvalDecision(policy, valueMinor);
  const reasons = fraud.reasons.map((reason) => reason.message);

  let status: ReturnStatus;
  let declineReason: string | null = null;
  if (mode === 'authorize') {
    if (fraud.outcome === 'DECLINE') return refused(userError(ReturnErrorCode.DECLINED_BY_POLICY, null, ReturnMessages.declinedByPolicy(reasons)));
    const needsManager = approval === 'NEEDS_MANAGER_APPROVAL' || fraud.outcome === 'REVIEW';
    if (needsManager && !isManagerFor(principal, storeId)) {
      return refused(userError(ReturnErrorCode.MANAGER_APPROVAL_REQUIRED, null, fraud.outcome === 'REVIEW' ? ReturnMessages.needsReview(reasons) : ReturnMessages.managerApproval));
    }
    status = 'AUTHORIZED';
  } else if (fraud.outcome === 'DECLINE') {
    status = 'DECLINED';
    declineReason = 'FRAUD_SIGNALS';
  } else {
    status = fraud.outcome === 'APPROVE' && approval === 'AUTO_APPROVE' ? 'AUTHORIZED' : 'REQUESTED';
  }

  // The creation is a transition from nothing, checked against the one table like every other:
  // a request the policy auto-approves is an `authorize`, one it declines a `decline`.
  const action: ReturnAction = status === 'REQUESTED' ? 'request' : status === 'AUTHORIZED' ? 'authorize' : 'decline';
  if (transition(null, action) !== status) throw new Error(`creating a return as ${status} by ${action} is not in TRANSITIONS`);
  const id = newId('ret');
  const number = await insertReturn(
    tx,
    {
      id,
      orderId: order.order_id,
      status,
      channel: input.channel,
      storeId,
      customerId: order.customer_id,
      partnerId: order.partner_id,
      policyVersion: policy.version,
      destinationLocationId: destination,
      refundMethod: input.refundMethod ?? allowed[0] ?? null,
      fraudOutcome: fraud.outcome,
      fraudReasons: fraud.reasons,
      approval,
      valueMinor,
      currency: order.currency,
      receiptPresented,
      declineReason,
      note: input.note ?? null,
      createdBy: principal.subject,
    },
    evaluated.lines,
  );
  await appendTimeline(tx, id, null, status, action, { principal, channel: input.channel, storeId, note: declineReason });
  const ret = await lockReturn(tx, id);
  if (!ret) throw new Error(`return ${id} (${number}) vanished inside its own transaction`);
  const header = headerOf(ret, null);
  if (status === 'DECLINED') {
    await appendEvents(tx, 'returns', 'returns', [{ definition: ReturnDeclined, aggregateId: id, data: { ...header, reason: declineReason ?? 'POLICY' } }]);
  } else {
    const definition = status === 'AUTHORIZED' ? ReturnAuthorized : ReturnRequested;
    await appendEvents(tx, 'returns', 'returns', [{ definition, aggregateId: id, data: await authorizedEventData(tx, ret, header) }]);
  }
  return changed(id);
}

interface EvaluatedLine extends NewReturnLine {
  taxMinor: number;
}

/** Validates and prices the requested lines against the order and the policy. */
async function evaluateLines(tx: Queryable, order: OrderSnapshot, input: CreateReturnInput, policy: ReturnPolicy, now: Date) {
  const errors: UserError[] = [];
  const lines: EvaluatedLine[] = [];
  if (input.lines.length === 0) errors.push(userError(ReturnErrorCode.NO_LINES, ['input', 'lines'], ReturnMessages.noLines));
  const returned = await returnedQuantities(tx, [order.order_id]);
  const seen = new Set<string>();
  input.lines.forEach((requested, index) => {
    const field = (name: string) => ['input', 'lines', index, name];
    const line = order.lines.find((candidate) => candidate.orderLineId === requested.orderLineId);
    if (!line) return void errors.push(userError(ReturnErrorCode.LINE_NOT_ON_ORDER, field('orderLineId'), ReturnMessages.lineNotOnOrder(requested.orderLineId)));
    if (seen.has(line.orderLineId)) return void errors.push(userError(ReturnErrorCode.DUPLICATE_LINE, field('orderLineId'), ReturnMessages.duplicateLine));
    seen.add(line.orderLineId);
    if (!Number.isInteger(requested.quantity) || requested.quantity < 1) return void errors.push(userError(ReturnErrorCode.INVALID_QUANTITY, field('quantity'), ReturnMessages.invalidQuantity));
    if (requested.customerNote && requested.customerNote.length > 2000) return void errors.push(userError(ReturnErrorCode.INVALID_VALUE, field('customerNote'), 'A note may have at most 2,000 characters.'));
    const verdict = lineEligibility(policy, {
      returnChannel: input.channel,
      order: { channel: order.channel, placedAt: new Date(order.placed_at), deliveredAt: order.delivered_at ? new Date(order.delivered_at) : null, payments: order.payments },
      line,
      alreadyReturnedQuantity: returned.get(line.orderLineId) ?? 0,
      now,
    });
    for (const reason of verdict.reasons) {
      const code = reason.code === 'FINAL_SALE' ? ReturnErrorCode.FINAL_SALE : reason.code === 'WINDOW_EXPIRED' ? ReturnErrorCode.WINDOW_EXPIRED : ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE;
      errors.push(userError(code, code === ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE ? field('quantity') : field('orderLineId'), reason.message));
    }
    if (verdict.eligible && requested.quantity > verdict.returnableQuantity) {
      errors.push(userError(ReturnErrorCode.QUANTITY_EXCEEDS_RETURNABLE, field('quantity'), ReturnMessages.exceedsReturnable(verdict.returnableQuantity)));
    }
    // The returned units' share of the line, in integer minor units (rounded half up).
    const share = (amount: number) => Math.floor((amount * requested.quantity * 2 + line.quantity) / (2 * line.quantity));
    const netValueMinor = line.unitPriceMinor * requested.quantity - share(line.discountMinor);
    lines.push({
      id: newId('rli'),
      orderLineId: line.orderLineId,
      sku: line.sku,
      category: line.category,
      quantity: requested.quantity,
      reason: requested.reason,
      customerNote: requested.customerNote ?? null,
      netValueMinor,
      taxMinor: share(line.taxMinor),
      restockingFeeMinor: restockingFeeMinor(policy, { category: line.category, reason: requested.reason, netValueMinor }),
    });
  });
  return { errors, lines };
}
