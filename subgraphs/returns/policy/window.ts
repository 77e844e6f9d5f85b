/**
 * The return window of a line: how many days (the most specific window rule for the ORDER's
 * channel and the line's category) counted from when (delivery or purchase, per the order's
 * channel). The order's channel, not the return's, decides, because the window is part of the
 * terms the item was sold under: a web order returned in a store keeps its web window.
 */
import { assertDate } from './inputs';
import type { ReturnPolicy, WindowRule } from './schema';
import { matchValue, mostSpecific } from './specificity';
import type { Channel } from '../../../contracts/vocabulary';
import type { WindowStart } from './vocabulary';

/** Milliseconds in a window day: windows are counted in exact 24-hour days from their start. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** The facts of an order that place its window in time. */
export interface WindowOrder {
  /** Channel the order was placed in. */
  channel: Channel;
  /** When the order was placed (the purchase). */
  placedAt: Date;
  /** When it reached the customer; `null` while not delivered (or for carry-out sales). */
  deliveredAt: Date | null;
}

/** Where a line's window lies. */
export interface ReturnWindow {
  /** Length of the window in days, from the winning rule. */
  days: number;
  /** What the window counts from for this order's channel. */
  countsFrom: WindowStart;
  /** When the window opened; `null` when it has not started (undelivered, no grace configured). */
  startsAt: Date | null;
  /**
   * The last instant a return is accepted: `startsAt + days × 24h`, inclusive (a request at
   * exactly this millisecond is in time, one millisecond later is not). `null` = not yet known.
   */
  endsAt: Date | null;
}

/** The window rule for a channel and category (most specific wins; the catch-all always exists). */
export function windowRuleFor(policy: ReturnPolicy, channel: Channel, category: string): WindowRule {
  const rule = mostSpecific(policy.windows, (r) => [matchValue(r.channel, channel), matchValue(r.category, category)]);
  // Validation guarantees a "*"/"*" rule, so this only fires on an unvalidated object.
  if (!rule) throw new Error('return policy has no catch-all window rule; load it with parsePolicy()');
  return rule;
}

/**
 * The window of a line of `order` in `category`. A window counted from delivery whose order is
 * not delivered yet starts at `placedAt + undeliveredGraceDays` (a generous delivery time, so an
 * order that never shows as delivered cannot stay returnable forever); with the grace set to
 * `null` it has not started and its end is unknown (`endsAt: null`, the line stays eligible).
 */
export function returnWindow(policy: ReturnPolicy, order: WindowOrder, category: string): ReturnWindow {
  assertDate('order.placedAt', order.placedAt);
  if (order.deliveredAt !== null) assertDate('order.deliveredAt', order.deliveredAt);
  const { days } = windowRuleFor(policy, order.channel, category);
  const countsFrom = policy.windowStart.channels[order.channel] ?? policy.windowStart.default;
  let startsAt: Date | null;
  if (countsFrom === 'PURCHASE') startsAt = order.placedAt;
  else if (order.deliveredAt !== null) startsAt = order.deliveredAt;
  else if (policy.windowStart.undeliveredGraceDays !== null) {
    startsAt = new Date(order.placedAt.getTime() + policy.windowStart.undeliveredGraceDays * DAY_MS);
  } else startsAt = null;
  const endsAt = startsAt === null ? null : new Date(startsAt.getTime() + days * DAY_MS);
  return { days, countsFrom, startsAt, endsAt };
}

/** True when a return requested at `now` is inside the window (inclusive of `endsAt`). */
export function isWithinWindow(window: ReturnWindow, now: Date): boolean {
  return window.endsAt === null || now.getTime() <= window.endsAt.getTime();
}
