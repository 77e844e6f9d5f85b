import type { Db, QueryResult, Queryable, Row } from '../db';
import type { EventDefinition } from '../events/catalog';
import type { EventEnvelope } from '../events/envelope';
import { appendEvents } from '../events/outbox';
import { appendAudit, type AuditEntry } from './audit';

/** Options of one emitted event. */
export interface EmitOptions {
  /** The event or command that caused this one (a consumer passes the event it handles); default none. */
  causationId?: string;
}

/**
 * An open transaction of one subgraph's write path: statements, plus the two things a state
 * change writes beside itself — the events it causes (`emit`, into the subgraph's outbox) and,
 * for privileged actions, an audit row (`audit`). The subgraph's schema is bound once, where the
 * transaction is opened (the write path for mutations, the consumer runtime for handlers), so no
 * domain function names an outbox and none can write into another subgraph's by a typo.
 */
export interface WriteTx extends Queryable {
  /** The subgraph schema whose outbox and audit log this transaction writes. */
  readonly schema: string;
  /**
   * Appends one event to the outbox, committed or rolled back with the state change. Data that
   * does not match the definition's schema throws: a programming error, caught in tests.
   */
  emit<TData>(definition: EventDefinition<TData>, aggregateId: string, data: TData, options?: EmitOptions): Promise<EventEnvelope<TData>>;
  /** Records a privileged action in the audit log, committed or rolled back with it. */
  audit(entry: AuditEntry): Promise<void>;
}

/** `tx` bound to `schema`: the subgraph is both the outbox's owner and its events' `source`. */
export function bindWriteTx(tx: Queryable, schema: string): WriteTx {
  return new BoundWriteTx(tx, schema);
}

/**
 * Runs `fn` in one transaction of `db` bound to `schema`: for writes that are not mutations nor
 * event handlers (the refund executor, provider webhooks, the ERP's location sync, seeding).
 */
export function writeTransaction<T>(db: Db, schema: string, fn: (tx: WriteTx) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(bindWriteTx(tx, schema)));
}

class BoundWriteTx implements WriteTx {
  constructor(
    private readonly tx: Queryable,
    readonly schema: string,
  ) {}

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    return this.tx.query<R>(sql, params);
  }

  async emit<TData>(definition: EventDefinition<TData>, aggregateId: string, data: TData, options: EmitOptions = {}): Promise<EventEnvelope<TData>> {
    const [envelope] = await appendEvents(this.tx, this.schema, this.schema, [{ definition, aggregateId, data, causationId: options.causationId }]);
    return envelope as EventEnvelope<TData>;
  }

  audit(entry: AuditEntry): Promise<void> {
    return appendAudit(this.tx, this.schema, entry);
  }
}
