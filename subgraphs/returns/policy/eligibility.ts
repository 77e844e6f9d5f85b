/**
 * Whether, and how much of, one order line can be returned now. One function for every channel:
 * the channel is data (which window, which refund methods), never a branch.
 */
import { assertDate, assertNonNegativeInteger } from './inputs';
import { IneligibleCode, PolicyMessages } from './messages';
import { refundMethodsFor } from './refund-methods';
import type { ReturnPolicy } from './schema';
import { isWithinWindow, returnWindow } from './window';
import type { Channel, PaymentMethod, RefundMethod } from '../../../contracts/vocabulary';

/** The order a line belongs to, as the returns subgraph knows it. */
export interface EligibilityOrder {
  /** Channel the order was placed in: decides the window. */
  channel: Channel;
  /** When the order was placed. */
  placedAt: Date;
  /** When it was delivered; `null` while undelivered or for carry-out sales. */
  deliveredAt: Date | null;
  /** When the commerce platform cancelled it; absent or `null` while it stands. */
  cancelledAt?: Date | null;
  /** Its payments; tenders with nothing captured are ignored. */
  payments: readonly { method: PaymentMethod; capturedMinor: number }[];
}

/** The line asked about. Money fields are minor units; they are carried for callers, not used here. */
export interface EligibilityLine {
  /** Opaque order line id (`oli_…`). */
  orderLineId: string;
  /** Stock keeping unit. */
  sku: string;
  /** Product category, lower case (e.g. `electronics`): decides the window and the fee. */
  category: string;
  /** Units ordered. */
  quantity: number;
  /** Price of one unit. */
  unitPriceMinor: number;
  /** Discount on the whole line. */
  discountMinor: number;
  /** Tax on the whole line. */
  taxMinor: number;
  /** Sold as final sale. */
  finalSale: boolean;
}

/** Everything `lineEligibility` decides from. */
export interface EligibilityInput {
  /** Channel the return is taken in: decides the refund methods (cash only at a counter). */
  returnChannel: Channel;
  /** The line's order. */
  order: EligibilityOrder;
  /** The line. */
  line: EligibilityLine;
  /** Units already returned or in an open return, across ALL channels. */
  alreadyReturnedQuantity: number;
  /** When the return is asked for. */
  now: Date;
}

/** A reason a line cannot be returned now. */
export interface IneligibleReason {
  /** Machine-readable code. */
  code: IneligibleCode;
  /** User-facing explanation. */
  message: string;
}

/** The verdict on one line. */
export interface LineEligibility {
  /** The line asked about. */
  orderLineId: string;
  /** Units that may be returned now: `remainingQuantity` when eligible, else 0. */
  returnableQuantity: number;
  /** Units not yet returned or in an open return (ordered − already returned, at least 0). */
  remainingQuantity: number;
  /** Length of the line's window in days. */
  windowDays: number;
  /** Last instant (inclusive) a return is accepted; `null` while the window has not started. */
  windowEndsAt: Date | null;
  /** Refund methods this return may use (see `refundMethodsFor`). */
  refundMethods: RefundMethod[];
  /** True when there are no reasons, i.e. at least one unit may be returned now. */
  eligible: boolean;
  /** Every reason the line cannot be returned now, not just the first. */
  reasons: IneligibleReason[];
}

/** Decides whether and how much of a line can be returned at `now`. */
export function lineEligibility(policy: ReturnPolicy, input: EligibilityInput): LineEligibility {
  const { line, order, now } = input;
  assertNonNegativeInteger('line.quantity', line.quantity);
  assertNonNegativeInteger('alreadyReturnedQuantity', input.alreadyReturnedQuantity);
  assertDate('now', now);

  const remainingQuantity = Math.max(0, line.quantity - input.alreadyReturnedQuantity);
  const window = returnWindow(policy, order, line.category);
  const reasons: IneligibleReason[] = [];
  if (line.finalSale && !policy.finalSale.returnable) {
    reasons.push({ code: IneligibleCode.FINAL_SALE, message: PolicyMessages.finalSale });
  }
  if (window.endsAt !== null && !isWithinWindow(window, now)) {
    reasons.push({ code: IneligibleCode.WINDOW_EXPIRED, message: PolicyMessages.windowExpired(window.days, window.endsAt) });
  }
  if (order.cancelledAt) {
    reasons.push({ code: IneligibleCode.ORDER_CANCELLED, message: PolicyMessages.orderCancelled(order.cancelledAt) });
  }
  if (remainingQuantity === 0) {
    reasons.push({ code: IneligibleCode.NOTHING_LEFT_TO_RETURN, message: PolicyMessages.nothingLeft(line.quantity) });
  }
  const tenders = order.payments.filter((p) => p.capturedMinor > 0).map((p) => p.method);
  const eligible = reasons.length === 0;
  return {
    orderLineId: line.orderLineId,
    returnableQuantity: eligible ? remainingQuantity : 0,
    remainingQuantity,
    windowDays: window.days,
    windowEndsAt: window.endsAt,
    refundMethods: refundMethodsFor(policy, input.returnChannel, tenders),
    eligible,
    reasons,
  };
}
