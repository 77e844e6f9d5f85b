/**
 * Order arithmetic, in integer minor units only. One definition of every total, used by
 * ingestion, the demo generator and the tests, so they can never disagree.
 *
 *   line total   = unit price x quantity − line discount + line tax
 *   subtotal     = Σ unit price x quantity          (before discounts, as on a receipt)
 *   taxTotal     = Σ line tax + shipping tax
 *   total        = subtotal − discountTotal + taxTotal + shipping amount
 *                = Σ line totals + shipping amount + shipping tax
 */

/** The amounts of a line that totals are built from. */
export interface LineAmounts {
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
  taxMinor: number;
}

/** An order's totals in minor units. */
export interface OrderTotals {
  subtotalMinor: number;
  discountTotalMinor: number;
  taxTotalMinor: number;
  shippingTotalMinor: number;
  totalMinor: number;
}

/** unit price x quantity: the line before discount and tax. */
export function lineGross(line: Pick<LineAmounts, 'quantity' | 'unitPriceMinor'>): number {
  return line.unitPriceMinor * line.quantity;
}

/** The line's total: gross − discount + tax. */
export function lineTotal(line: LineAmounts): number {
  return lineGross(line) - line.discountMinor + line.taxMinor;
}

/** The totals of an order with these lines and shipping. */
export function orderTotals(lines: readonly LineAmounts[], shipping: { amountMinor: number; taxMinor: number } | null): OrderTotals {
  let subtotal = 0;
  let discount = 0;
  let tax = shipping?.taxMinor ?? 0;
  for (const line of lines) {
    subtotal += lineGross(line);
    discount += line.discountMinor;
    tax += line.taxMinor;
  }
  const shippingTotal = shipping?.amountMinor ?? 0;
  return {
    subtotalMinor: subtotal,
    discountTotalMinor: discount,
    taxTotalMinor: tax,
    shippingTotalMinor: shippingTotal,
    totalMinor: subtotal - discount + tax + shippingTotal,
  };
}

/** `amount x basisPoints / 10000`, rounded half up: sales tax on a line, in minor units. */
export function applyRate(amountMinor: number, basisPoints: number): number {
  return Math.floor((amountMinor * basisPoints + 5000) / 10000);
}
