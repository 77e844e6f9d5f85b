import type { Queryable } from '../../platform/db';
import { canSeeUpdate, type Principal } from '../../platform/auth';
import { cursorPosition, loggedEvent, scanEventLog, updateCursor, type LoggedEvent } from '../../platform/events/update-log';
import type { StreamDeclaration } from '../../platform/events/streams';
import {
  ReturnAuthorized,
  ReturnCanceled,
  ReturnCompleted,
  ReturnDeclined,
  ReturnInspected,
  ReturnInTransit,
  ReturnItemsReceived,
  ReturnRequested,
} from '../../contracts/events/returns';

/** The events that change a return's status (or move its units), as subscribers see them. */
export const STATUS_EVENT_TYPES = [
  ReturnRequested,
  ReturnAuthorized,
  ReturnDeclined,
  ReturnCanceled,
  ReturnInTransit,
  ReturnItemsReceived,
  ReturnInspected,
  ReturnCompleted,
].map((definition) => definition.type);

/**
 * `returnStatusChanged`, as the gateway learns it from the registry: live updates resolve through
 * `returnStatusUpdate`, a resuming subscriber catches up through `returnStatusUpdatePage`.
 */
export const RETURN_STATUS_STREAM: StreamDeclaration = {
  field: 'returnStatusChanged',
  eventTypes: STATUS_EVENT_TYPES,
  one: 'returnStatusUpdate',
  page: 'returnStatusUpdatePage',
  filters: ['returnId', 'orderId', 'channel', 'storeId'],
};

/** Filters of `returnStatusChanged`. */
export interface StatusFilter {
  returnId?: string | null;
  orderId?: string | null;
  channel?: string | null;
  storeId?: string | null;
}

/** True when an update matches the subscriber's arguments. */
export function matches(filter: StatusFilter, data: Record<string, unknown>): boolean {
  return (
    (!filter.returnId || data.returnId === filter.returnId) &&
    (!filter.orderId || data.orderId === filter.orderId) &&
    (!filter.channel || data.channel === filter.channel) &&
    (!filter.storeId || data.storeId === filter.storeId)
  );
}

function toUpdate(event: LoggedEvent) {
  return {
    cursor: updateCursor('returns', event.position),
    sequence: Number(event.data.revision ?? 0),
    eventType: event.type,
    returnId: event.aggregate_id,
    status: event.data.status,
    previousStatus: event.data.previousStatus ?? null,
    occurredAt: event.occurred_at,
  };
}

/** `returnStatusUpdate(cursor)`: one update, null when unknown or not visible. */
export async function statusUpdate(db: Queryable, principal: Principal, cursor: string) {
  const event = await loggedEvent(db, 'returns', cursorPosition('returns', cursor), STATUS_EVENT_TYPES);
  return event && canSeeUpdate(principal, event.data) ? toUpdate(event) : null;
}

/**
 * `returnStatusUpdatePage(after, ...)`: one page of what a resuming subscriber missed, oldest
 * first, with how far the scan got. Tenancy is `canSeeUpdate`, applied to the scanned events, so
 * the page can hold fewer updates than it scanned; the next page starts at `scannedCursor`.
 */
export async function statusUpdatePage(db: Queryable, principal: Principal, args: StatusFilter & { after?: string | null; first?: number | null }) {
  const after = args.after ? cursorPosition('returns', args.after) : 0;
  const filters = { returnId: args.returnId, orderId: args.orderId, channel: args.channel, storeId: args.storeId };
  const page = await scanEventLog(db, 'returns', after, STATUS_EVENT_TYPES, filters, args.first ?? undefined);
  return {
    updates: page.events.filter((event) => canSeeUpdate(principal, event.data)).map(toUpdate),
    scannedCursor: page.scannedTo === null ? null : updateCursor('returns', page.scannedTo),
    endOfLog: page.reachedEnd,
  };
}

/** `returnStatusUpdates(after, ...)` (deprecated): the visible updates of one scanned page, without how far it scanned. */
export async function statusUpdatesAfter(db: Queryable, principal: Principal, args: StatusFilter & { after?: string | null; first?: number | null }) {
  return (await statusUpdatePage(db, principal, args)).updates;
}
