import { unitsShare } from '../../../platform/money';
import { RefundErrorCode, RefundMessages } from '../user-errors';
import type { CurrencyCode, PaymentMethod, RefundMethod } from '../../../contracts/vocabulary';
import { STORE_CREDIT_PROVIDER, storeCreditReference } from '../../../connectors/payments/port';

/** The order as the refund needs it (from the refunds subgraph's snapshot). */
export interface CalcOrder {
  currency: CurrencyCode;
  /** The customer store credit goes to (and a new gift card is issued to). */
  customerId: string;
  lines: { orderLineId: string; sku: string; quantity: number; unitPriceMinor: number; discountMinor: number; taxMinor: number }[];
  shippingMinor: number;
  shippingTaxMinor: number;
  /**
   * Captures; `refundedExternallyMinor` is what the commerce platform already refunded of one
   * itself (outside the graph, from `OrderRecorded`), never paid back a second time here.
   */
  payments: {
    paymentId: string;
    provider: string;
    providerReference: string;
    method: PaymentMethod;
    capturedMinor: number;
    refundedExternallyMinor?: number;
  }[];
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
  | { ok: true; currency: CurrencyCode; lines: BreakdownLine[]; totalMinor: number; tenders: TenderPlan[] }
  | { ok: false; code: RefundErrorCode; message: string };

/** Internal tenders are paid by the retailer itself (cash at the till): no payment provider is called. */
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
  const units = returnedUnits(order, input.returnLines, prior);
  if (!units.ok) return units;
  const lines = [...units.lines];
  const shipping = shippingLine(order, input, units.returnedAfter);
  if (shipping) lines.push(shipping);
  const overridden = applyOverride(lines, input.overrideMinor ?? null, input.returnLines.length > 0);
  if (!overridden.ok) return overridden;
  const { totalMinor } = overridden;
  if (totalMinor <= 0) return { ok: false, code: RefundErrorCode.NOTHING_TO_REFUND, message: RefundMessages.nothingLeft };
  const tenders = splitTenders(order, prior, input.refundMethod, totalMinor);
  if (!tenders) return { ok: false, code: RefundErrorCode.EXCEEDS_REFUNDABLE, message: RefundMessages.exceedsRefundable };
  return { ok: true, currency: order.currency, lines: overridden.lines, totalMinor, tenders };
}

/** A refusal of the calculation. */
type Refusal = Extract<Calculation, { ok: false }>;

/**
 * One breakdown row per returned line: its units are the next slice of the order line after what
 * earlier refunds took, valued with `unitsShare` (platform/money.ts) — the rule the return's value
 * was computed with. Also the units of every line refunded once these are.
 */
function returnedUnits(
  order: CalcOrder,
  returnLines: readonly CalcReturnLine[],
  prior: PriorRefunds,
): { ok: true; lines: BreakdownLine[]; returnedAfter: Map<string, number> } | Refusal {
  const lines: BreakdownLine[] = [];
  const returnedAfter = new Map(prior.unitsByOrderLine);
  for (const returned of returnLines) {
    const line = order.lines.find((candidate) => candidate.orderLineId === returned.orderLineId);
    if (!line) return { ok: false, code: RefundErrorCode.LINE_NOT_ON_ORDER, message: RefundMessages.lineNotOnOrder(returned.orderLineId) };
    const from = returnedAfter.get(line.orderLineId) ?? 0;
    if (from + returned.quantity > line.quantity) {
      return { ok: false, code: RefundErrorCode.EXCEEDS_LINE_QUANTITY, message: RefundMessages.exceedsLineQuantity(line.quantity - from, line.sku) };
    }
    returnedAfter.set(line.orderLineId, from + returned.quantity);
    lines.push(unitsLine(line, returned, from));
  }
  return { ok: true, lines, returnedAfter };
}

/** The breakdown row of `returned`'s units of `line`, from unit `from` on; the restocking fee never exceeds what they are worth. */
function unitsLine(line: CalcOrder['lines'][number], returned: CalcReturnLine, from: number): BreakdownLine {
  const merchandiseMinor = line.unitPriceMinor * returned.quantity;
  const discountMinor = unitsShare(line.discountMinor, line.quantity, from, returned.quantity);
  const taxMinor = unitsShare(line.taxMinor, line.quantity, from, returned.quantity);
  const net = merchandiseMinor - discountMinor + taxMinor;
  const restockingFeeMinor = Math.min(returned.restockingFeeMinor, net);
  return {
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
  };
}

/** A row that is not units of a line: shipping, or a person's adjustment. */
const extraLine = (
  kind: 'SHIPPING' | 'ADJUSTMENT',
  amounts: Pick<BreakdownLine, 'merchandiseMinor' | 'discountMinor' | 'taxMinor' | 'totalMinor'>,
): BreakdownLine => ({
  kind,
  returnLineId: null,
  orderLineId: null,
  sku: null,
  quantity: 0,
  restockingFeeMinor: 0,
  ...amounts,
});

/**
 * The shipping row, once per order: when units are returned and either the whole order is now
 * returned or the retailer was at fault for one of them. Null when shipping does not come back.
 */
function shippingLine(
  order: CalcOrder,
  input: { returnLines: readonly CalcReturnLine[]; prior: PriorRefunds; shippingPolicy?: ShippingPolicy },
  returnedAfter: ReadonlyMap<string, number>,
): BreakdownLine | null {
  if (input.prior.shippingRefunded || order.shippingMinor + order.shippingTaxMinor <= 0 || input.returnLines.length === 0) return null;
  const policy = input.shippingPolicy ?? DEFAULT_SHIPPING_POLICY;
  const fullReturn = order.lines.every((line) => (returnedAfter.get(line.orderLineId) ?? 0) === line.quantity);
  const retailerFault = input.returnLines.some((line) => policy.retailerFaultReasons.includes(line.reason));
  if (!fullReturn && !retailerFault) return null;
  return extraLine('SHIPPING', {
    merchandiseMinor: order.shippingMinor,
    discountMinor: 0,
    taxMinor: order.shippingTaxMinor,
    totalMinor: order.shippingMinor + order.shippingTaxMinor,
  });
}

/**
 * The breakdown and total after a person's override (null: none): the difference becomes an
 * ADJUSTMENT row, so the breakdown still adds up. An override may lower a refund of returned units,
 * never raise it; without units (an appeasement) it sets the amount.
 */
function applyOverride(
  lines: BreakdownLine[],
  overrideMinor: number | null,
  hasUnits: boolean,
): { ok: true; lines: BreakdownLine[]; totalMinor: number } | Refusal {
  const totalMinor = lines.reduce((sum, line) => sum + line.totalMinor, 0);
  if (overrideMinor === null || overrideMinor === totalMinor) return { ok: true, lines, totalMinor };
  const adjustment = totalMinor - overrideMinor;
  if (adjustment < 0 && hasUnits) {
    return { ok: false, code: RefundErrorCode.EXCEEDS_REFUNDABLE, message: RefundMessages.overrideRaisesRefund };
  }
  const row = extraLine('ADJUSTMENT', {
    merchandiseMinor: adjustment < 0 ? -adjustment : 0,
    discountMinor: adjustment > 0 ? adjustment : 0,
    taxMinor: 0,
    totalMinor: -adjustment,
  });
  return { ok: true, lines: [...lines, row], totalMinor: overrideMinor };
}

/** Refund order of tenders: provider payments first, then gift cards, store credit, cash. */
const TENDER_ORDER = ['CARD', 'PAYPAL', 'GIFT_CARD', 'STORE_CREDIT', 'CASH'] as const;

type CalcPayment = CalcOrder['payments'][number];

/**
 * The tenders that pay `totalMinor` back, or null when it exceeds what was captured less what was
 * already refunded. ORIGINAL_PAYMENT goes back to each payment in TENDER_ORDER, never beyond what
 * it has left; any other method takes the whole amount as one tender (`methodTender`).
 */
function splitTenders(order: CalcOrder, prior: PriorRefunds, method: RefundMethod, totalMinor: number): TenderPlan[] | null {
  const refundable = refundableByPayment(order, prior);
  const capacity = refundable.reduce((sum, entry) => sum + Math.max(0, entry.left), 0);
  if (totalMinor > capacity) return null;
  if (method !== 'ORIGINAL_PAYMENT') return [methodTender(order, method, totalMinor)];
  const tenders: TenderPlan[] = [];
  let left = totalMinor;
  for (const { payment, left: available } of refundable) {
    if (left === 0) break;
    const amount = Math.min(left, available);
    if (amount <= 0) continue;
    tenders.push(tenderOf(payment, amount, order));
    left -= amount;
  }
  return tenders;
}

/**
 * What each payment can still give back, in TENDER_ORDER: captured, less what the platform
 * refunded itself, less what our live refunds took. Store credit given earlier without a
 * payment is taken from the last tenders' capacity.
 */
function refundableByPayment(order: CalcOrder, prior: PriorRefunds): { payment: CalcPayment; left: number }[] {
  const refundable = order.payments
    .map((payment) => ({
      payment,
      left: Math.max(0, payment.capturedMinor - (payment.refundedExternallyMinor ?? 0) - (prior.byPayment.get(payment.paymentId) ?? 0)),
    }))
    .sort((a, b) => TENDER_ORDER.indexOf(a.payment.method) - TENDER_ORDER.indexOf(b.payment.method));
  let unattributed = prior.unattributedMinor;
  for (const entry of [...refundable].reverse()) {
    const take = Math.min(unattributed, Math.max(0, entry.left));
    entry.left -= take;
    unattributed -= take;
  }
  return refundable;
}

/**
 * The one tender of a refund paid by a method of the retailer's choosing: store credit to the
 * customer's account and gift cards through the store-credit ledger — to the gift card the order
 * was paid with, if any, else to a new card the ledger issues to the customer; cash internally.
 */
function methodTender(order: CalcOrder, method: Exclude<RefundMethod, 'ORIGINAL_PAYMENT'>, amountMinor: number): TenderPlan {
  if (method === 'CASH') return { method, paymentId: null, provider: INTERNAL_PROVIDER, paymentReference: null, amountMinor };
  const paidByCard = order.payments.find((payment) => payment.method === 'GIFT_CARD');
  const paymentReference =
    method === 'STORE_CREDIT'
      ? storeCreditReference.customer(order.customerId)
      : paidByCard
        ? storeCreditReference.giftCard(paidByCard.providerReference)
        : storeCreditReference.newGiftCard(order.customerId);
  return { method, paymentId: null, provider: STORE_CREDIT_PROVIDER, paymentReference, amountMinor };
}

/**
 * The tender paying `amount` back to `payment`: cards and wallets through their provider, store
 * credit and gift cards back to the account they were spent from in the store-credit ledger, cash
 * by the retailer itself.
 */
function tenderOf(payment: CalcPayment, amount: number, order: CalcOrder): TenderPlan {
  const base = { paymentId: payment.paymentId, amountMinor: amount };
  switch (payment.method) {
    case 'CARD':
    case 'PAYPAL':
      return { ...base, method: 'ORIGINAL_PAYMENT', provider: payment.provider, paymentReference: payment.providerReference };
    case 'GIFT_CARD':
      return { ...base, method: 'GIFT_CARD', provider: STORE_CREDIT_PROVIDER, paymentReference: storeCreditReference.giftCard(payment.providerReference) };
    case 'STORE_CREDIT':
      return { ...base, method: 'STORE_CREDIT', provider: STORE_CREDIT_PROVIDER, paymentReference: storeCreditReference.customer(order.customerId) };
    case 'CASH':
      return { ...base, method: 'CASH', provider: INTERNAL_PROVIDER, paymentReference: null };
  }
}
