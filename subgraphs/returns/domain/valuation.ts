import { unitsShare } from '../../../platform/money';

/** The amounts of an order line that its returned units are valued from, in minor units. */
export interface ValuedOrderLine {
  quantity: number;
  unitPriceMinor: number;
  /** The whole line's discount. */
  discountMinor: number;
  /** The whole line's tax. */
  taxMinor: number;
}

/** What returned units are worth: net of their discount share, and their tax share beside it. */
export interface ReturnedUnitsValue {
  netValueMinor: number;
  taxMinor: number;
}

/**
 * The value of `count` units of `line` returned after `alreadyReturned` of its units: unit price x
 * count, less the units' share of the line's discount, and their share of its tax. The shares are
 * the next unused slice of units by `unitsShare` (platform/money.ts) — the same rule and slice the
 * refunds subgraph prices a refund of the units with, so a return's value and its refund agree to
 * the cent (before restocking fees and shipping), and the returns of a whole line add up to
 * exactly the line. Both sides count units in the order returns and refunds happen; a return
 * canceled or refunded out of turn can move a cent between two returns of one line.
 */
export function returnedUnitsValue(line: ValuedOrderLine, alreadyReturned: number, count: number): ReturnedUnitsValue {
  return {
    netValueMinor: line.unitPriceMinor * count - unitsShare(line.discountMinor, line.quantity, alreadyReturned, count),
    taxMinor: unitsShare(line.taxMinor, line.quantity, alreadyReturned, count),
  };
}
