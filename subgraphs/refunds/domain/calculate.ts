import { unitsShare } from './allocate';
import type { PaymentMethod, RefundMethod } from '../../../contracts/vocabulary';

/** The order as the refund needs it (from the refunds subgraph's snapshot). */
export interface CalcOrder {
  currency: string;
  lines: { orderLineId: string; sku: string; quantity: number; unitPriceMinor: number; discountMinor: number; taxMinor: number }[];
  shippingMinor: number;
  shippingTaxMinor: number;
  payments: { paymentId: string; provider: string; providerReference: string; method: PaymentMethod; capturedMinor: number }[];
}

/** One returned line to refund. */
export interface CalcReturnLine {
  returnLineId: string | null;
  orderLineId: string;
  quantity: number;
  reason: string;
  restockingFeeMinor: number;
}

/** What earlier refunds of the same order already took. */
export interface PriorRefunds {
  /** Units of each order line already refunded (in the order they were refunded). */
  unitsByOrderLine: ReadonlyMap<string, number>;
  /** Minor units already refunded per payment. */
  byPayment: ReadonlyMap<string, number>;
  /** Minor units already refunded not tied to one payment (store credit for a whole refund). */
  unattributedMinor: number;
  /** True when shipping was already refunded. */
  shippingRefunded: boolean;
}

/** The shipping rule: refunded on a full return, or when the retailer was at fault. */
export interface ShippingPolicy {
  retailerFaultReasons: readonly string[];
}

/** Default: shipping comes back when the retailer was at fault (the reasons that never carry a restocking fee). */
export const DEFAULT_SHIPPING_POLICY: ShippingPolicy = { retailerFaultReasons: ['DEFECTIVE', 'WRONG_ITEM', 'NOT_AS_DESCRIBED'] };

/** One row of the breakdown. total = merchandise - discount + tax - restockingFee. */
export interface BreakdownLine {
  kind: 'LINE' | 'SHIPPING' | 'ADJUSTMENT';
  returnLineId: string | null;
  orderLineId: string | null;
  sku: string | null;
  quantity: number;
  merchandiseMinor: number;
  discountMinor: number;
  taxMinor: number;
  restockingFeeMinor: number;
  totalMinor: number;
}

/** One way the money goes back. */
export interface TenderPlan {
  method: RefundMethod;
  paymentId: string | null;
  provider: string;
  paymentReference: string | null;
  amountMinor: number;
}

/** A calculated refund, or why there cannot be one. */
export type Calculation =
  | { ok: true; currency: string; lines: BreakdownLine[]; totalMinor: number; tenders: TenderPlan[] }
  | { ok: false; code: 'NOTHING_TO_REFUND' | 'EXCEEDS_REFUNDABLE' | 'LINE_NOT_ON_ORDER' | 'EXCEEDS_LINE_QUANTITY'; message: string };

/** Internal tenders are paid by the retailer itself: no payment provider is called. */
export const INTERNAL_PROVIDER = 'internal';

/**
 * Calculates a refund so anyone can check it: per returned line (unit price x quantity) less its
 * share of the line's discount, plus its share of the line's tax (shares by largest remainder over
 * units, so several returns of one line add up exactly), less the restocking fee; shipping when the
 * whole order is now returned or the retailer was at fault; optionally capped by a manual override.
 * Then split across tenders: with ORIGINAL_PAYMENT, back to each payment in order (cards and
 * wallets first, then gift cards, then cash) never beyond what it captured less what was already
 * refunded; other methods take the whole amount, still never beyond what was captured in all.
 */
export function calculateRefund(input: {
  order: CalcOrder;
  returnLines: readonly CalcReturnLine[];
  prior: PriorRefunds;
  refundMethod: RefundMethod;
  shippingPolicy?: ShippingPolicy;
  /** A lower amount decided by a person (finance), in minor units. */
  overrideMinor?: number | null;
}): Calculation {
  const { order, prior } = input;
  const lines: BreakdownLine[] = [];
  const returnedAfter = new Map(prior.unitsByOrderLine);
  for (const returned of input.returnLines) {
    const line = order.lines.find((candidate) => candidate.orderLineId === returned.orderLineId);
    if (!line) return { ok: false, code: 'LINE_NOT_ON_ORDER', message: `Order line ${returned.orderLineId} is not on the order.` };
    const from = returnedAfter.get(line.orderLineId) ?? 0;
    if (from + returned.quantity > line.quantity) {
      return { ok: false, code: 'EXCEEDS_LINE_QUANTITY', message: `Only ${line.quantity - from} unit(s) of ${line.sku} are left to refund.` };
    }
    returnedAfter.set(line.orderLineId, from + returned.quantity);
    const merchandiseMinor = line.unitPriceMinor * returned.quantity;
    const discountMinor = unitsShare(line.discountMinor, line.quantity, from, returned.quantity);
    const taxMinor = unitsShare(line.taxMinor, line.quantity, from, returned.quantity);
    const net = merchandiseMinor - discountMinor + taxMinor;
    const restockingFeeMinor = Math.min(returned.restockingFeeMinor, net);
    lines.push({
      kind: 'LINE',
      returnLineId: returned.returnLineId,
      orderLineId: line.orderLineId,
      sku: line.sku,
      quantity: returned.quantity,
      merchandiseMinor,
      discountMinor,
      taxMinor,
      restockingFeeMinor,
      totalMinor: net - restockingFeeMinor,
    });
  }
  const policy = input.shippingPolicy ?? DEFAULT_SHIPPING_POLICY;
  const fullReturn = order.lines.every((line) => (returnedAfter.get(line.orderLineId) ?? 0) === line.quantity);
  const retailerFault = input.returnLines.some((line) => policy.retailerFaultReasons.includes(line.reason));
  if (!prior.shippingRefunded && order.shippingMinor + order.shippingTaxMinor > 0 && input.returnLines.length > 0 && (fullReturn || retailerFault)) {
    lines.push({
      kind: 'SHIPPING',
      returnLineId: null,
      orderLineId: null,
      sku: null,
      quantity: 0,
      merchandiseMinor: order.shippingMinor,
      discountMinor: 0,
      taxMinor: order.shippingTaxMinor,
      restockingFeeMinor: 0,
      totalMinor: order.shippingMinor + order.shippingTaxMinor,
    });
  }
  let totalMinor = lines.reduce((sum, line) => sum + line.totalMinor, 0);
  if (input.overrideMinor !== undefined && input.overrideMinor !== null && input.overrideMinor !== totalMinor) {
    const adjustment = totalMinor - input.overrideMinor;
    if (adjustment < 0 && input.returnLines.length > 0) {
      return { ok: false, code: 'EXCEEDS_REFUNDABLE', message: 'An override may lower a return refund, not raise it above what the returned units are worth.' };
    }
    lines.push({
      kind: 'ADJUSTMENT',
      returnLineId: null,
      orderLineId: null,
      sku: null,
      quantity: 0,
      merchandiseMinor: adjustment < 0 ? -adjustment : 0,
      discountMinor: adjustment > 0 ? adjustment : 0,
      taxMinor: 0,
      restockingFeeMinor: 0,
      totalMinor: -adjustment,
    });
    totalMinor = input.overrideMinor;
  }
  if (totalMinor <= 0) return { ok: false, code: 'NOTHING_TO_REFUND', message: 'Nothing is left to refund.' };
  const tenders = splitTenders(order, prior, input.refundMethod, totalMinor);
  if (!tenders) return { ok: false, code: 'EXCEEDS_REFUNDABLE', message: 'The refund would exceed what was captured less what was already refunded.' };
  return { ok: true, currency: order.currency, lines, totalMinor, tenders };
}

/** Refund order of tenders: provider payments first, then gift cards, store credit, cash. */
const TENDER_ORDER = ['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH'] as const;

function splitTenders(order: CalcOrder, prior: PriorRefunds, method: RefundMethod, totalMinor: number): TenderPlan[] | null {
  const refundable = order.payments.map((payment) => ({ payment, left: payment.capturedMinor - (prior.byPayment.get(payment.paymentId) ?? 0) }));
  const capacity = refundable.reduce((sum, entry) => sum + Math.max(0, entry.left), 0) - prior.unattributedMinor;
  if (totalMinor > capacity) return null;
  if (method !== 'ORIGINAL_PAYMENT') {
    return [{ method, paymentId: null, provider: INTERNAL_PROVIDER, paymentReference: null, amountMinor: totalMinor }];
  }
  const tenders: TenderPlan[] = [];
  let left = totalMinor;
  const ordered = [...refundable].sort((a, b) => TENDER_ORDER.indexOf(a.payment.method) - TENDER_ORDER.indexOf(b.payment.method));
  // Store credit given earlier without a payment is taken from the last tenders' capacity.
  let unattributed = prior.unattributedMinor;
  for (const entry of [...ordered].reverse()) {
    const take = Math.min(unattributed, Math.max(0, entry.left));
    entry.left -= take;
    unattributed -= take;
  }
  for (const { payment, left: available } of ordered) {
    if (left === 0) break;
    const amount = Math.min(left, available);
    if (amount <= 0) continue;
    const viaProvider = payment.method === 'CARD' || payment.method === 'PAYPAL';
    tenders.push({
      method: viaProvider ? 'ORIGINAL_PAYMENT' : payment.method === 'CASH' ? 'CASH' : payment.method === 'GIFT_CARD' ? 'GIFT_CARD' : 'STORE_CREDIT',
      paymentId: payment.paymentId,
      provider: viaProvider ? payment.provider : INTERNAL_PROVIDER,
      paymentReference: viaProvider ? payment.providerReference : null,
      amountMinor: amount,
    });
    left -= amount;
  }
  return tenders;
}
