import type { Queryable } from '../db';
import { qualified } from '../events/outbox';

/** One privileged action, as the audit log keeps it. */
export interface AuditEntry {
  actor: string;
  roles: readonly string[];
  /** e.g. `replayDeadLetters`, `adjustInventory`, `issueRefund`. */
  action: string;
  /** What it acted on: an id or a filter description. */
  target: string;
  details: Record<string, unknown>;
  correlationId?: string;
}

/**
 * Appends a privileged action to the schema's append-only audit log, in the caller's transaction,
 * so the action and its record commit together or not at all.
 */
export async function audit(tx: Queryable, schema: string, entry: AuditEntry): Promise<void> {
  await tx.query(
    `INSERT INTO ${qualified(schema, 'audit_log')} (actor, roles, action, target, details, correlation_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [entry.actor, entry.roles, entry.action, entry.target, entry.details, entry.correlationId ?? null],
  );
}
