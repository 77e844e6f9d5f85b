import type { Queryable } from '../db';
import type { Principal } from '../auth';
import { currentScope } from '../context';
import { qualified } from '../events/outbox';

/** One privileged action, as a `WriteTx` records it. */
export interface AuditEntry {
  /** Who acted: the subject and the roles it acted with are kept. */
  principal: Pick<Principal, 'subject' | 'roles'>;
  /** e.g. `replayDeadLetters`, `adjustInventory`, `issueRefund`. */
  action: string;
  /** What it acted on: an id or a filter description. */
  target: string;
  details: Record<string, unknown>;
}

/**
 * Appends a privileged action to `schema`'s append-only audit log in the caller's transaction, so
 * the action and its record commit together or not at all. The correlation id comes from the
 * request scope, as it does for events. Domain code calls `WriteTx.audit`, which binds `schema`.
 */
export async function appendAudit(tx: Queryable, schema: string, entry: AuditEntry): Promise<void> {
  await tx.query(`INSERT INTO ${qualified(schema, 'audit_log')} (actor, roles, action, target, details, correlation_id) VALUES ($1, $2, $3, $4, $5, $6)`, [
    entry.principal.subject,
    entry.principal.roles,
    entry.action,
    entry.target,
    entry.details,
    currentScope()?.correlationId ?? null,
  ]);
}
