import type { Db, Queryable } from '../db';
import { runInScope } from '../context';
import { componentLogger } from '../logger';
import { recordConsumerHandled, recordConsumerRetry, recordDeadLetter } from '../metrics';
import type { BusSubscription, EventBus } from './bus';
import { InvalidEventError } from './catalog';
import { envelopeSchema, type DeliveredEvent, type EventEnvelope } from './envelope';
import { qualified } from './outbox';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from '../backoff';
import { bindWriteTx } from '../write-path/write-tx';
import type { AcceptedEvent, EventHandler } from './handlers';
import { inConsumeSpan } from './event-spans';

const log = componentLogger('consumer');

/** How often due retries are looked for while this consumer has deliveries waiting (or cannot listen). */
export const RETRY_POLL_MS = 250;
/**
 * How often an idle consumer looks for retries while listening: a parked or replayed delivery
 * NOTIFYs on commit (migration 030), so this only catches a missed notification. One read-only
 * statement per consumer in this long, instead of one every 250 ms.
 */
export const RETRY_IDLE_POLL_MS = 5_000;
/** Due retries handled per round. */
const RETRY_BATCH = 50;
/** Longest error text kept in a dead letter. */
const MAX_ERROR_LENGTH = 4_000;

/** A consumer: the events it handles and what it does with each, inside its own transaction. */
export interface ConsumerDefinition {
  /** Unique across the graph, e.g. `returns.order-projection`; its bus group and inbox key. */
  name: string;
  /** The schema of the consuming subgraph: its inbox, retries and dead letters live there. */
  schema: string;
  /**
   * One handler per event type, built with `on(Event, …)` (handlers.ts); events of other types are
   * acknowledged and ignored. Each handler runs in a transaction together with the inbox row;
   * throwing rolls both back.
   */
  handlers: readonly EventHandler[];
  backoff?: Partial<BackoffPolicy>;
  /** Retry poll when idle while listening; default `RETRY_IDLE_POLL_MS`. */
  idleRetryPollMs?: number;
}

/**
 * The consumer failure drill (DRILL_CONSUMER_DOWN, DRILL_CONSUMER_DOWN_FOR_S): this consumer fails
 * every delivery until `until` (epoch ms), so operations can rehearse dead letters and their replay.
 */
export interface ConsumerDrill {
  consumer: string;
  until: number;
}

/** Outcome of one handling attempt; `poison` failures are not worth retrying. */
type Attempt = { ok: true; duplicate: boolean } | { ok: false; error: string; poison?: boolean };

/**
 * Runs one consumer: receives events from the bus, handles each exactly once (inbox), retries
 * failures with backoff from PostgreSQL (not from the bus, so a poison event never blocks the
 * stream), keeps each aggregate's events in order behind a failing one, and dead-letters after the
 * last attempt or at once for an event that does not validate.
 */
export class ConsumerRunner {
  private subscription?: BusSubscription;
  private retryTimer?: NodeJS.Timeout;
  private retrying?: Promise<void>;
  private running = false;
  /** Set once parked deliveries wake the retry loop by NOTIFY; until then it polls every `RETRY_POLL_MS`. */
  private notified = false;
  private unlisten?: () => Promise<void>;
  /** Deliveries of this consumer may be waiting for a retry: poll at `RETRY_POLL_MS` until none are. */
  private mayHavePending = true;
  private readonly policy: BackoffPolicy;
  private readonly tables: { inbox: string; pending: string; dead: string };
  private readonly handlers: ReadonlyMap<string, EventHandler>;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    readonly definition: ConsumerDefinition,
    /** Epoch ms until which every delivery fails (the consumer drill); absent: never. */
    private readonly drillUntil?: number,
  ) {
    this.policy = { ...DEFAULT_BACKOFF, ...definition.backoff };
    this.handlers = handlersByType(definition);
    this.tables = {
      inbox: qualified(definition.schema, 'inbox'),
      pending: qualified(definition.schema, 'pending_deliveries'),
      dead: qualified(definition.schema, 'dead_letters'),
    };
  }

  /** Subscribes to the bus and starts the retry loop. */
  async start(): Promise<void> {
    this.running = true;
    this.subscription = await this.bus.subscribe(this.definition.name, (event) => this.receive(event));
    await this.listenForRetries();
    this.scheduleRetries(RETRY_POLL_MS);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    await this.unlisten?.();
    this.unlisten = undefined;
    this.notified = false;
    await this.subscription?.close();
    await this.retrying;
  }

  /** Wakes the retry loop on the pending_deliveries trigger's NOTIFY (migration 030), when the database can listen. */
  private async listenForRetries(): Promise<void> {
    const { schema } = this.definition;
    if (!this.db.listen) return;
    try {
      const { rows } = await this.db.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = 'pending_deliveries_wake') AS exists`,
        [this.tables.pending],
      );
      if (!rows[0]?.exists) return;
      this.unlisten = await this.db.listen(`rg_wake_${schema}_pending_deliveries`, () => {
        this.mayHavePending = true;
        if (!this.retrying) this.scheduleRetries(RETRY_POLL_MS);
      });
      this.notified = true;
    } catch (error) {
      log.warn({ err: error, consumer: this.definition.name }, 'consumer cannot listen for retries; polling instead');
    }
  }

  /** The retry loop: one round, then the next after `RETRY_POLL_MS` while anything waits, else after the idle poll. */
  private scheduleRetries(delay: number): void {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (this.retrying) return;
      this.retrying = this.retryRound()
        .catch((error: unknown) => log.warn({ err: error, consumer: this.definition.name }, 'retry round failed'))
        .finally(() => {
          this.retrying = undefined;
          const idle = this.notified && !this.mayHavePending;
          this.scheduleRetries(idle ? (this.definition.idleRetryPollMs ?? RETRY_IDLE_POLL_MS) : RETRY_POLL_MS);
        });
    }, delay);
  }

  private async retryRound(): Promise<void> {
    const handled = await this.retryDue();
    if (handled > 0 || !this.notified) return;
    // Nothing due: are deliveries waiting at all? Idle (none) is when the loop may sleep long.
    const { rows } = await this.db.query<{ waiting: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${this.tables.pending} WHERE consumer = $1) AS waiting`, [
      this.definition.name,
    ]);
    this.mayHavePending = rows[0]?.waiting === true;
  }

  /** A delivery from the bus. Rejects only when nothing could be recorded (the bus redelivers). */
  async receive(delivered: DeliveredEvent): Promise<void> {
    const { envelope } = delivered;
    if (!this.handlers.has(envelope.type)) return;
    // One read for both questions: is this aggregate blocked, and was this event handled already?
    const { blocked, handled } = await this.lookUp(envelope);
    if (blocked) {
      // An earlier event of this aggregate is waiting for a retry: queue behind it to keep order.
      await this.park(delivered, 0, null, new Date());
      return;
    }
    const result = await this.attempt(envelope, false, handled);
    if (result.ok) recordConsumerHandled(this.definition.name, result.duplicate);
    else await this.failed(delivered, result.poison ? 0 : 1, result.error, result.poison);
  }

  /** Handles due retries: per aggregate only its oldest waiting event, so order holds. Returns how many it tried. */
  async retryDue(): Promise<number> {
    const { rows } = await this.db.query<{ event: DeliveredEvent; attempts: number; next_attempt_at: Date }>(
      `SELECT event, attempts, next_attempt_at FROM (
         SELECT DISTINCT ON (aggregate_id) event, attempts, next_attempt_at
           FROM ${this.tables.pending} WHERE consumer = $1 ORDER BY aggregate_id, source_seq
       ) heads WHERE next_attempt_at <= now() LIMIT $2`,
      [this.definition.name, RETRY_BATCH],
    );
    for (const row of rows) {
      const result = await this.attempt(row.event.envelope, true);
      if (result.ok) recordConsumerHandled(this.definition.name, result.duplicate);
      else await this.failed(row.event, result.poison ? row.attempts : row.attempts + 1, result.error, result.poison);
    }
    return rows.length;
  }

  /**
   * One try, in one transaction: inbox row, handler, and (for a retry) removal of the pending row.
   * An event that does not validate is poison: no attempt can succeed, so it is not handled at all.
   */
  private attempt(envelope: EventEnvelope, fromPending = false, handled?: boolean): Promise<Attempt> {
    return runInScope({ correlationId: envelope.correlationId }, () =>
      inConsumeSpan(this.definition, envelope, () => this.attemptTraced(envelope, fromPending, handled)),
    );
  }

  /** `handled`: whether the inbox already has the event, when the caller looked already (else it is looked up). */
  private async attemptTraced(envelope: EventEnvelope, fromPending: boolean, handled?: boolean): Promise<Attempt> {
    const accepted = this.accept(envelope);
    if ('invalid' in accepted) return { ok: false, error: accepted.invalid, poison: true };
    if (this.drillUntil !== undefined && Date.now() < this.drillUntil) {
      // Dead-lettered at once (as after a last attempt), not retried for ten minutes of backoff:
      // the drill is about dead letters and their replay, which works once the window is over.
      return { ok: false, error: `DrillConsumerDown: ${this.definition.name} fails every delivery for the failure drill (DRILL_CONSUMER_DOWN)`, poison: true };
    }
    try {
      const callEffect = accepted.hasEffect && !(handled ?? (await this.handled(envelope.id)));
      const step = await runInScope({ correlationId: envelope.correlationId }, () => accepted.prepare(callEffect));
      return await runInScope({ correlationId: envelope.correlationId }, () =>
        this.db.transaction(async (tx) => {
          // The flow and aggregate go with the row: a trace's consumer hops are read from here.
          const inserted = await tx.query(
            `INSERT INTO ${this.tables.inbox} (consumer, event_id, correlation_id, aggregate_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
            [this.definition.name, envelope.id, envelope.correlationId, envelope.aggregateId],
          );
          if (fromPending) await tx.query(`DELETE FROM ${this.tables.pending} WHERE consumer = $1 AND event_id = $2`, [this.definition.name, envelope.id]);
          if (inserted.rowCount === 0) return { ok: true as const, duplicate: true };
          await step(bindWriteTx(tx, this.definition.schema));
          return { ok: true as const, duplicate: false };
        }),
      );
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log.warn({ consumer: this.definition.name, event: envelope.id, type: envelope.type, err: error }, 'handler failed');
      return { ok: false, error: message.slice(0, MAX_ERROR_LENGTH) };
    }
  }

  /** Records a failed attempt: schedule the next, or dead-letter after the last (or at once for poison). */
  private async failed(delivered: DeliveredEvent, attempts: number, error: string, poison = false): Promise<void> {
    if (poison || attempts >= this.policy.maxAttempts) {
      await this.db.transaction(async (tx) => {
        await tx.query(`DELETE FROM ${this.tables.pending} WHERE consumer = $1 AND event_id = $2`, [this.definition.name, delivered.envelope.id]);
        await this.deadLetter(tx, delivered, error, attempts);
      });
      recordDeadLetter(this.definition.name);
      return;
    }
    await this.park(delivered, attempts, error, new Date(Date.now() + backoffDelay(this.policy, attempts)));
    recordConsumerRetry(this.definition.name);
    this.mayHavePending = true;
  }

  private async park(delivered: DeliveredEvent, attempts: number, error: string | null, nextAttemptAt: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.tables.pending} (consumer, event_id, aggregate_id, source_seq, event, attempts, next_attempt_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error`,
      [this.definition.name, delivered.envelope.id, delivered.envelope.aggregateId, delivered.sourceSeq, delivered, attempts, nextAttemptAt, error],
    );
  }

  private async deadLetter(db: Queryable, delivered: DeliveredEvent, error: string, attempts: number): Promise<void> {
    const { envelope } = delivered;
    await db.query(
      `INSERT INTO ${this.tables.dead} (consumer, event_id, event_type, aggregate_id, event, error, attempts)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (consumer, event_id) DO UPDATE SET status = 'DEAD', error = EXCLUDED.error, attempts = EXCLUDED.attempts,
         event = EXCLUDED.event, dead_at = now(), replayed_at = NULL, replayed_by = NULL`,
      [this.definition.name, String(envelope.id), String(envelope.type), String(envelope.aggregateId ?? 'unknown'), delivered, error, attempts],
    );
    log.error({ consumer: this.definition.name, event: envelope.id, type: envelope.type, attempts, error }, 'event dead-lettered');
  }

  /** The event as its handler accepted it, or why it cannot be handled at all (a malformed envelope, data that does not validate). */
  private accept(envelope: EventEnvelope): AcceptedEvent | { invalid: string } {
    const shape = envelopeSchema.safeParse(envelope);
    if (!shape.success) return { invalid: `Malformed envelope: ${shape.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}` };
    const handler = this.handlers.get(envelope.type);
    if (!handler) return { invalid: `No handler for ${envelope.type}` };
    try {
      return handler.accept(envelope);
    } catch (error) {
      if (error instanceof InvalidEventError) return { invalid: error.message };
      throw error;
    }
  }

  private async handled(eventId: string): Promise<boolean> {
    const { rowCount } = await this.db.query(`SELECT 1 FROM ${this.tables.inbox} WHERE consumer = $1 AND event_id = $2`, [this.definition.name, eventId]);
    return rowCount > 0;
  }

  private async lookUp(envelope: EventEnvelope): Promise<{ blocked: boolean; handled: boolean }> {
    const { rows } = await this.db.query<{ blocked: boolean; handled: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.tables.pending} WHERE consumer = $1 AND aggregate_id = $2) AS blocked,
              EXISTS (SELECT 1 FROM ${this.tables.inbox} WHERE consumer = $1 AND event_id = $3) AS handled`,
      [this.definition.name, envelope.aggregateId, envelope.id],
    );
    return { blocked: rows[0]?.blocked === true, handled: rows[0]?.handled === true };
  }
}

/** The consumer's handlers by event type; two for one type is a mistake that stops the consumer at construction. */
function handlersByType(definition: ConsumerDefinition): ReadonlyMap<string, EventHandler> {
  const byType = new Map<string, EventHandler>();
  for (const handler of definition.handlers) {
    if (byType.has(handler.definition.type)) throw new Error(`Consumer ${definition.name} has two handlers for ${handler.definition.type}; give it one`);
    byType.set(handler.definition.type, handler);
  }
  return byType;
}
