import type { WriteTx } from '../../../platform/write-path/write-tx';
import type { Principal } from '../../../platform/auth';
import { newId } from '../../../platform/ids';
import { refundMethodsFor, type ReturnPolicy, type ReturnReason } from '../policy';
import type { Channel, RefundMethod } from '../../../contracts/vocabulary';
import { ReturnAuthorized, ReturnDeclined, ReturnRequested } from '../../../contracts/events/returns';
import type { ReturnsSettings } from '../settings';
import { isManagerFor, seesOrder, type OrderOwner } from './access';
import { authorize } from '../../../platform/auth';
import { appendTimeline, headerOf } from './transitions';
import { insertReturn, lockOrderSnapshot, lockReturn, type OrderSnapshot } from './lifecycle-queries';
import { changed, refused, type ReturnPayload } from './payload';
import { ReturnErrorCode, ReturnMessages, userError, type UserError } from './user-errors';
import { authorizedEventData } from './event-data';
import { unknownPlaces, type ReturnPlaces } from './locations';
import { evaluateLines, type EvaluatedLine } from './requested-lines';
import { decideCreation, screenReturn, type Creation, type Screening } from './creation-decision';

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
  tx: WriteTx,
  principal: Principal,
  input: CreateReturnInput,
  mode: CreateMode,
  policy: ReturnPolicy,
  settings: ReturnsSettings,
): Promise<ReturnPayload> {
  const order = await lockOrderSnapshot(tx, input.orderId);
  // Another tenant's order answers exactly like an unknown one.
  if (!order || !seesOrder(principal, ownerOf(order)))
    return refused(userError(ReturnErrorCode.ORDER_NOT_FOUND, ['input', 'orderId'], ReturnMessages.orderNotFound(input.orderId)));
  const storeId = input.storeId ?? null;
  const channelError = channelRefusal(input, mode, storeId);
  if (channelError) return refused(channelError);
  authorize(principal, mode === 'authorize' ? 'authorizeReturn' : 'requestReturn', { ...ownerOf(order), locationIds: [storeId] });
  const { places, destination } = returnPlaces(input, storeId, settings);
  // Inventory expects and receives the units at these places; one it does not know would dead-letter them.
  const placeErrors = await unknownPlaces(tx, places);
  if (placeErrors.length > 0) return { returnId: null, userErrors: placeErrors };

  const now = new Date();
  const evaluated = await evaluateLines(tx, order, input, policy, now);
  if (evaluated.errors.length > 0) return { returnId: null, userErrors: evaluated.errors };
  const refundMethod = chooseRefundMethod(policy, order, input);
  if (!refundMethod.ok) return refused(refundMethod.error);
  const valueMinor = evaluated.lines.reduce((sum, line) => sum + line.netValueMinor + line.taxMinor, 0);
  const screening = await screenReturn(tx, policy, order, input, valueMinor, now);
  const creation = decideCreation(mode, screening, () => isManagerFor(principal, storeId));
  if (!creation.ok) return refused(creation.error);
  const draft: Draft = { order, input, storeId, destination, refundMethod: refundMethod.method, lines: evaluated.lines, valueMinor };
  return changed(await recordReturn(tx, principal, policy, draft, screening, creation));
}

/** Who owns the order: a customer, and a marketplace partner for a marketplace order. */
const ownerOf = (order: OrderSnapshot): OrderOwner => ({ customerId: order.customer_id ?? null, partnerId: order.partner_id ?? null });

/** The userError when the channel cannot take a return this way: a counter return needs `authorizeReturn` and a store. */
function channelRefusal(input: CreateReturnInput, mode: CreateMode, storeId: string | null): UserError | null {
  if (mode === 'request' && input.channel === 'POS') {
    return userError(
      ReturnErrorCode.INVALID_VALUE,
      ['input', 'channel'],
      'A return at a counter is authorized with authorizeReturn; requestReturn is for ECOMMERCE, MOBILE and MARKETPLACE.',
    );
  }
  if (input.channel === 'POS' && !storeId) return userError(ReturnErrorCode.STORE_REQUIRED, ['input', 'storeId'], ReturnMessages.storeRequired);
  return null;
}

/**
 * Where the units go — the named destination, else the counter's store, else the configured
 * returns warehouse — and the places inventory must know for that.
 */
function returnPlaces(input: CreateReturnInput, storeId: string | null, settings: ReturnsSettings): { places: ReturnPlaces; destination: string | null } {
  const counter = input.channel === 'POS';
  return {
    destination: input.destinationLocationId ?? (counter ? storeId : settings.defaultLocationId),
    places: {
      storeId,
      destinationLocationId: input.destinationLocationId ?? null,
      defaultDestination: input.destinationLocationId || counter ? null : settings.defaultLocationId,
    },
  };
}

/** The refund method asked for, when the policy allows it for this channel and the order's tenders; else the policy's first. */
function chooseRefundMethod(
  policy: ReturnPolicy,
  order: OrderSnapshot,
  input: CreateReturnInput,
): { ok: true; method: RefundMethod | null } | { ok: false; error: UserError } {
  const tenders = order.payments.filter((payment) => payment.capturedMinor > 0).map((payment) => payment.method);
  const allowed = refundMethodsFor(policy, input.channel, tenders);
  if (input.refundMethod && !allowed.includes(input.refundMethod)) {
    return {
      ok: false,
      error: userError(ReturnErrorCode.REFUND_METHOD_NOT_ALLOWED, ['input', 'refundMethod'], ReturnMessages.refundMethodNotAllowed(allowed)),
    };
  }
  return { ok: true, method: input.refundMethod ?? allowed[0] ?? null };
}

/** A return that passed every check, valued, before it is written. */
interface Draft {
  order: OrderSnapshot;
  input: CreateReturnInput;
  storeId: string | null;
  destination: string | null;
  refundMethod: RefundMethod | null;
  lines: EvaluatedLine[];
  valueMinor: number;
}

/** Writes the return, its lines and first timeline entry, and appends the event its start announces; returns its id. */
async function recordReturn(
  tx: WriteTx,
  principal: Principal,
  policy: ReturnPolicy,
  draft: Draft,
  screening: Screening,
  creation: Creation & { ok: true },
): Promise<string> {
  const { order, input, storeId } = draft;
  const { status, action, declineReason } = creation;
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
      destinationLocationId: draft.destination,
      refundMethod: draft.refundMethod,
      fraudOutcome: screening.fraud.outcome,
      fraudReasons: screening.fraud.reasons,
      approval: screening.approval,
      valueMinor: draft.valueMinor,
      currency: order.currency,
      receiptPresented: screening.receiptPresented,
      declineReason,
      note: input.note ?? null,
      createdBy: principal.subject,
    },
    draft.lines,
  );
  await appendTimeline(tx, id, null, status, action, { principal, channel: input.channel, storeId, note: declineReason });
  const ret = await lockReturn(tx, id);
  if (!ret) throw new Error(`return ${id} (${number}) vanished inside its own transaction`);
  const header = headerOf(ret, null);
  if (status === 'DECLINED') {
    await tx.emit(ReturnDeclined, id, { ...header, reason: declineReason ?? 'POLICY' });
  } else {
    const definition = status === 'AUTHORIZED' ? ReturnAuthorized : ReturnRequested;
    await tx.emit(definition, id, await authorizedEventData(tx, ret, header));
  }
  return id;
}
