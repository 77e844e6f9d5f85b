import type { Queryable } from '../../../platform/db';
import type { Principal } from '../../../platform/auth';
import { currentScope } from '../../../platform/context';
import type { ReturnStatus } from '../../../contracts/vocabulary';
import { transition, type ReturnAction } from '../domain/status';
import type { ReturnEventHeader } from '../../../contracts/events/returns';
import type { ReturnForUpdate } from './lifecycle-queries';

/** Columns a transition may set besides the status. */
export interface TransitionUpdates {
  decline_reason?: string;
  note?: string | null;
  carrier?: string | null;
  tracking_number?: string | null;
}

/** One timeline entry's context: who, where. */
export interface Actor {
  principal: Principal;
  channel?: string | null;
  storeId?: string | null;
  note?: string | null;
}

/**
 * Moves a locked return by `action`: checks the transitions table, writes the new status and
 * revision, appends the timeline entry. Returns the event header, or null when the transition is
 * not allowed (the caller answers with INVALID_TRANSITION and rolls nothing forward).
 */
export async function applyTransition(
  tx: Queryable,
  ret: ReturnForUpdate,
  action: ReturnAction,
  actor: Actor,
  updates: TransitionUpdates = {},
): Promise<ReturnEventHeader | null> {
  const to = transition(ret.status, action);
  if (!to) return null;
  const sets = ['status = $2', 'revision = revision + 1', 'updated_at = now()'];
  const params: unknown[] = [ret.id, to];
  for (const [column, value] of Object.entries(updates)) {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  const { rows } = await tx.query<{ revision: number }>(`UPDATE returns.returns SET ${sets.join(', ')} WHERE id = $1 RETURNING revision`, params);
  await appendTimeline(tx, ret.id, ret.status, to, action, actor);
  const from = ret.status;
  ret.status = to;
  ret.revision = rows[0]?.revision ?? ret.revision + 1;
  return headerOf(ret, from);
}

/** The timeline entry of a status change (or of a return's creation, `from` null). */
export async function appendTimeline(
  tx: Queryable,
  returnId: string,
  from: ReturnStatus | null,
  to: ReturnStatus,
  action: string,
  actor: Actor,
): Promise<void> {
  await tx.query(
    `INSERT INTO returns.return_timeline (return_id, from_status, to_status, action, actor, roles, channel, store_id, correlation_id, note)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      returnId,
      from,
      to,
      action,
      actor.principal.subject,
      actor.principal.roles,
      actor.channel ?? null,
      actor.storeId ?? null,
      currentScope()?.correlationId ?? null,
      actor.note ?? null,
    ],
  );
}

/** Records a change that keeps the status (a partial receipt after another, an inspection of some lines). */
export async function bumpRevision(tx: Queryable, ret: ReturnForUpdate, action: string, actor: Actor): Promise<ReturnEventHeader> {
  const { rows } = await tx.query<{ revision: number }>(
    `UPDATE returns.returns SET revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING revision`,
    [ret.id],
  );
  await appendTimeline(tx, ret.id, ret.status, ret.status, action, actor);
  ret.revision = rows[0]?.revision ?? ret.revision + 1;
  return headerOf(ret, ret.status);
}

/** The event header of a return as it is now. */
export function headerOf(ret: ReturnForUpdate, previousStatusValue: ReturnStatus | null): ReturnEventHeader {
  return {
    returnId: ret.id,
    orderId: ret.order_id,
    number: ret.number,
    status: ret.status,
    previousStatus: previousStatusValue,
    revision: ret.revision,
    channel: ret.channel as ReturnEventHeader['channel'],
    storeId: ret.store_id,
    customerId: ret.customer_id,
    partnerId: ret.partner_id,
  };
}
