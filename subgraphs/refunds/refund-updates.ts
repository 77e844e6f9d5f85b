import type { Queryable } from '../../platform/db';
import { canSeeUpdate, type Principal } from '../../platform/auth';
import { cursorPosition, loggedEvent, scanEventLog, updateCursor, type LoggedEvent } from '../../platform/events/update-log';
import type { StreamDeclaration } from '../../platform/events/streams';
import { CreditMemoPosted, RefundFailed, RefundRequested, RefundRequiresAction, RefundSubmitted, RefundSucceeded } from '../../contracts/events/refunds';

/** The refund events subscribers receive. */
export const REFUND_EVENT_TYPES = [RefundRequested, RefundSubmitted, RefundSucceeded, RefundFailed, RefundRequiresAction, CreditMemoPosted].map(
  (definition) => definition.type,
);

/**
 * `refundUpdated`, as the gateway learns it from the registry: live updates resolve through
 * `refundUpdate`, a resuming subscriber catches up through `refundUpdatePage`.
 */
export const REFUND_UPDATE_STREAM: StreamDeclaration = {
  field: 'refundUpdated',
  eventTypes: REFUND_EVENT_TYPES,
  one: 'refundUpdate',
  page: 'refundUpdatePage',
  filters: ['orderId', 'returnId'],
};

/** Filters of `refundUpdated`. */
export interface RefundFilter {
  orderId?: string | null;
  returnId?: string | null;
}

/** True when a refund update matches the subscriber's arguments. */
export function matchesRefund(filter: RefundFilter, data: Record<string, unknown>): boolean {
  return (!filter.orderId || data.orderId === filter.orderId) && (!filter.returnId || data.returnId === filter.returnId);
}

function toUpdate(event: LoggedEvent) {
  return {
    cursor: updateCursor('refunds', event.position),
    sequence: Number(event.data.revision ?? 0),
    eventType: event.type,
    refundId: event.aggregate_id,
    orderId: event.data.orderId,
    returnId: event.data.returnId ?? null,
    status: event.data.status,
    occurredAt: event.occurred_at,
  };
}

/** `refundUpdate(cursor)`: one update, null when unknown or not visible (same tenancy as return updates). */
export async function refundUpdate(db: Queryable, principal: Principal, cursor: string) {
  const event = await loggedEvent(db, 'refunds', cursorPosition('refunds', cursor), REFUND_EVENT_TYPES);
  return event && canSeeUpdate(principal, event.data) ? toUpdate(event) : null;
}

/**
 * `refundUpdatePage(after, ...)`: one page of what a resuming subscriber missed, oldest first,
 * with how far the scan got (tenancy by `canSeeUpdate` after the scan; see `statusUpdatePage`).
 */
export async function refundUpdatePage(db: Queryable, principal: Principal, args: RefundFilter & { after?: string | null; first?: number | null }) {
  const after = args.after ? cursorPosition('refunds', args.after) : 0;
  const page = await scanEventLog(db, 'refunds', after, REFUND_EVENT_TYPES, { orderId: args.orderId, returnId: args.returnId }, args.first ?? undefined);
  return {
    updates: page.events.filter((event) => canSeeUpdate(principal, event.data)).map(toUpdate),
    scannedCursor: page.scannedTo === null ? null : updateCursor('refunds', page.scannedTo),
    endOfLog: page.reachedEnd,
  };
}

/** `refundUpdates(after, ...)` (deprecated): the visible updates of one scanned page, without how far it scanned. */
export async function refundUpdatesAfter(db: Queryable, principal: Principal, args: RefundFilter & { after?: string | null; first?: number | null }) {
  return (await refundUpdatePage(db, principal, args)).updates;
}
