import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db';
import { componentLogger } from '../logger';
import { recordRelayPublished } from '../metrics';
import type { EventBus } from './bus';
import type { DeliveredEvent } from './envelope';
import { ENVELOPE_COLUMNS, envelopeOf, qualified, type OutboxEventRow } from './outbox';
import type { UpdateFanout } from './fanout';
import { inPublishSpans } from './event-spans';

const log = componentLogger('relay');

/** Outbox rows published per round: bounds one claim (and one bus call) while keeping throughput high. */
export const RELAY_BATCH_SIZE = 200;
/**
 * How long a claimed batch is the claimant's alone. A healthy batch is on the bus in milliseconds;
 * a relay that has held its claim this long crashed or lost the bus, so another instance takes the
 * batch over and publishes it again — at least once, which the inboxes already expect — instead of
 * the outbox waiting behind it for longer than a consumer would notice.
 */
export const RELAY_CLAIM_MS = 10_000;
/** Polling interval when idle and not woken by NOTIFY (no listener, or an outbox without its trigger). */
export const RELAY_POLL_MS = 250;
/**
 * Polling interval when idle while listening: every append NOTIFYs on commit (migration 030), so
 * this poll only catches a missed notification (a listener reconnecting). Idle, a relay looks
 * once in this long with one read-only statement, instead of a claim transaction every 250 ms.
 */
export const RELAY_IDLE_POLL_MS = 5_000;
/**
 * A wake-up runs the round this much later, so the appends of many commits (a mutation's wake and
 * its NOTIFY, a burst of consumer handlers) share one claim and one mark instead of a round each:
 * without it, NOTIFY made the relay run a round per commit and raised commits per return.
 */
export const RELAY_WAKE_GATHER_MS = 10;
/**
 * After the bus lost events, rows published this recently are published again. Long enough to
 * cover any consumer lag we tolerate; inboxes drop what was already handled.
 */
export const REPUBLISH_WINDOW_MS = 24 * 60 * 60 * 1000;

/** Options of a relay. */
export interface RelayOptions {
  db: Db;
  /** The subgraph schema whose outbox this relay drains. */
  schema: string;
  bus: EventBus;
  batchSize?: number;
  pollMs?: number;
  /** Also broadcast each published event to gateways (subscriptions); default none. */
  fanout?: UpdateFanout;
  /** How long a claim is this relay's alone; default `RELAY_CLAIM_MS`. Crash tests shorten it. */
  claimMs?: number;
  /** Polling interval when idle while woken by NOTIFY; default `RELAY_IDLE_POLL_MS`. */
  idlePollMs?: number;
}

interface OutboxRow extends OutboxEventRow {
  position: number;
}

/**
 * Publishes a subgraph's outbox to the bus, in position order, at least once, holding no database
 * transaction or lock while it talks to the bus. A round has three steps:
 *
 * 1. **Claim** (one transaction, under this outbox's advisory lock, so instances take turns).
 *    Give the unstamped rows this transaction can see the next positions, in `seq` order; then,
 *    unless another instance holds a live claim, take the oldest stamped, unpublished rows by
 *    position and record the claim (`relay_state.claimed_by`, `claimed_until`); commit. A row of a
 *    transaction still open is invisible here, so it is stamped in a later round, after everything
 *    committed before it: positions follow commit order, which `seq` (taken at insert) does not.
 *    Committing before anything is published means no subscriber ever learns a position that a
 *    rollback could hand to another event.
 * 2. **Publish** the claimed rows to the bus and broadcast their notices, outside any transaction.
 * 3. **Mark** them published and release the claim (one transaction).
 *
 * One live claim per outbox keeps order across instances: nobody publishes later rows while a
 * batch is on its way. A crash between publish and mark leaves the rows unpublished; the claim
 * expires after `RELAY_CLAIM_MS` and the batch is published again with the same positions.
 * Consumers' inboxes and subscribers' last positions make that harmless.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private round?: Promise<number>;
  /** The last round started: rounds of one relay run one after another, never side by side. */
  private previousRound: Promise<unknown> = Promise.resolve();
  private wakeRequested = false;
  /** Names this relay's claims: a claim of its own it may renew, another's it must wait out. */
  private readonly claimant = `relay-${randomUUID()}`;
  private readonly table: string;
  private readonly stateTable: string;
  /** The bus epoch this relay last found recorded: while the bus reports it, there is nothing to compare. */
  private knownEpoch?: string;
  /** Set once appends wake this relay by NOTIFY; until then (or without a listener) it polls every `pollMs`. */
  private notified = false;
  private unlisten?: () => Promise<void>;
  /** The last idle round saw rows it could not take (another instance's claim or lock): look again soon. */
  private contended = false;
  /** A woken round is already scheduled: further wake-ups join it. */
  private wakePending = false;

  constructor(private readonly options: RelayOptions) {
    this.table = qualified(options.schema, 'outbox');
    this.stateTable = qualified(options.schema, 'relay_state');
  }

  /** Starts polling. */
  start(): void {
    this.running = true;
    this.schedule(0);
    void this.listenForAppends();
  }

  /** Wakes on the outbox trigger's NOTIFY (migration 030), when the database can listen and the trigger exists. */
  private async listenForAppends(): Promise<void> {
    const { db, schema } = this.options;
    if (!db.listen) return;
    try {
      const { rows } = await db.query<{ exists: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass($1) AND tgname = 'outbox_wake') AS exists`,
        [this.table],
      );
      if (!rows[0]?.exists || !this.running) return;
      this.unlisten = await db.listen(`rg_wake_${schema}_outbox`, () => this.wake());
      this.notified = true;
    } catch (error) {
      log.warn({ err: error, schema }, 'relay cannot listen for appends; polling instead');
    }
  }

  /** True once appends wake this relay by NOTIFY (so it polls only every `idlePollMs` when idle). */
  get listening(): boolean {
    return this.notified;
  }

  /** Publishes soon: called after a transaction that appended events committed. */
  wake(): void {
    if (!this.running) return;
    if (this.round) this.wakeRequested = true;
    else if (!this.wakePending) this.schedule(RELAY_WAKE_GATHER_MS);
  }

  /** Stops after the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.unlisten?.();
    this.unlisten = undefined;
    this.notified = false;
    await this.round?.catch(() => 0);
  }

  /** Publishes until the outbox is drained; returns how many rows were published. For tests and the CLI. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.publishBatch();
      total += published;
      if (published === 0) return total;
    }
  }

  /** One round: returns how many rows it published (0 when idle or another instance holds the claim). */
  publishBatch(): Promise<number> {
    const round = this.previousRound.then(() => this.claimPublishMark());
    this.previousRound = round.catch(() => undefined);
    return round;
  }

  private async claimPublishMark(): Promise<number> {
    await this.checkEpoch();
    const rows = await this.claim();
    if (rows.length === 0) return 0;
    const delivered = rows.map(toDelivered);
    await inPublishSpans(
      this.options.schema,
      delivered.map((event) => event.envelope),
      () => this.options.bus.publish(delivered),
    );
    // Best effort: a gateway that misses a notice is caught up by its subscriber's cursor.
    await this.options.fanout
      ?.publish(
        rows.map((row) => ({
          source: row.source,
          position: row.position,
          type: row.type,
          aggregateId: row.aggregate_id,
          data: row.data as Record<string, unknown>,
          occurredAt: new Date(row.occurred_at).toISOString(),
          correlationId: row.correlation_id,
          ...(row.traceparent ? { traceparent: row.traceparent } : {}),
        })),
      )
      .catch((error: unknown) => log.warn({ err: error }, 'fan-out failed; subscribers resume from the event log'));
    await this.markPublished(rows.map((row) => row.position));
    recordRelayPublished(this.options.schema, rows.length);
    return rows.length;
  }

  /** Stamps visible unstamped rows, then claims up to a batch of stamped, unpublished rows in position order. */
  private async claim(): Promise<OutboxRow[]> {
    this.contended = false;
    return this.options.db.transaction(async (tx) => {
      if (!(await this.lock(tx))) {
        this.contended = true;
        return [];
      }
      await this.stamp(tx);
      const { rows: held } = await tx.query(`SELECT 1 FROM ${this.stateTable} WHERE id = 1 AND claimed_by <> $1 AND claimed_until > now()`, [this.claimant]);
      if (held.length > 0) {
        this.contended = true;
        return [];
      }
      const { rows } = await tx.query<OutboxRow & Record<string, unknown>>(
        `SELECT position, ${ENVELOPE_COLUMNS}
           FROM ${this.table} WHERE published_at IS NULL AND position IS NOT NULL ORDER BY position LIMIT $1`,
        [this.batchSize],
      );
      if (rows.length > 0) {
        await tx.query(`UPDATE ${this.stateTable} SET claimed_by = $1, claimed_until = now() + make_interval(secs => $2), updated_at = now() WHERE id = 1`, [
          this.claimant,
          (this.options.claimMs ?? RELAY_CLAIM_MS) / 1000,
        ]);
      }
      return rows;
    });
  }

  /** Gives up to a batch of visible unstamped rows the next positions, inside the claim's transaction. */
  private async stamp(tx: Queryable): Promise<void> {
    // max(position) too: a relay_state row created after rows were stamped (or backfilled) starts at 0.
    const { rows: last } = await tx.query<{ last: number }>(
      `SELECT greatest((SELECT last_position FROM ${this.stateTable} WHERE id = 1), (SELECT max(position) FROM ${this.table}), 0) AS last`,
    );
    const base = last[0]?.last ?? 0;
    const { rowCount } = await tx.query(
      `UPDATE ${this.table} o SET position = $1 + n.rank
         FROM (SELECT seq, row_number() OVER (ORDER BY seq) AS rank FROM ${this.table} WHERE position IS NULL ORDER BY seq LIMIT $2) n
        WHERE o.seq = n.seq`,
      [base, this.batchSize],
    );
    if (rowCount > 0) await tx.query(`UPDATE ${this.stateTable} SET last_position = $1, updated_at = now() WHERE id = 1`, [base + rowCount]);
  }

  /** Marks published what this relay put on the bus, and releases its claim. */
  private async markPublished(positions: readonly number[]): Promise<void> {
    await this.options.db.transaction(async (tx) => {
      await tx.query(`UPDATE ${this.table} SET published_at = now() WHERE position = ANY($1) AND published_at IS NULL`, [positions]);
      await tx.query(`UPDATE ${this.stateTable} SET claimed_by = NULL, claimed_until = NULL, updated_at = now() WHERE id = 1 AND claimed_by = $1`, [
        this.claimant,
      ]);
    });
  }

  private get batchSize(): number {
    return this.options.batchSize ?? RELAY_BATCH_SIZE;
  }

  /** This outbox's advisory lock for the rest of `tx`; false when another instance holds it. */
  private async lock(tx: Queryable): Promise<boolean> {
    const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [this.table]);
    return rows[0]?.locked === true;
  }

  /** Unpublished rows and the age of the oldest, for monitoring. */
  async lag(db: Queryable = this.options.db): Promise<{ pending: number; oldestPendingAgeMs: number }> {
    return outboxLag(db, this.options.schema);
  }

  /** When the bus lost events since our last round, mark recent rows unpublished again (they keep their positions). */
  private async checkEpoch(): Promise<void> {
    const epoch = await this.options.bus.epoch();
    // The recorded epoch only ever changes to the bus's current one, so once seen it need not be read each round.
    if (epoch === this.knownEpoch) return;
    const { rows } = await this.options.db.query<{ bus_epoch: string }>(`SELECT bus_epoch FROM ${this.stateTable}`);
    const known = rows[0]?.bus_epoch;
    if (known === epoch) {
      this.knownEpoch = epoch;
      return;
    }
    await this.options.db.transaction(async (tx) => {
      if (known !== undefined) {
        const { rowCount } = await tx.query(`UPDATE ${this.table} SET published_at = NULL WHERE published_at > now() - make_interval(secs => $1)`, [
          REPUBLISH_WINDOW_MS / 1000,
        ]);
        log.warn({ schema: this.options.schema, republished: rowCount }, 'the bus lost events; republishing from the outbox');
      }
      await tx.query(
        `INSERT INTO ${this.stateTable} (id, bus_epoch) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET bus_epoch = EXCLUDED.bus_epoch, updated_at = now()`,
        [epoch],
      );
    });
    this.knownEpoch = epoch;
  }

  /** `woken`: the round runs because something was appended (or may have been), not because the poll came round. */
  private schedule(delay: number, woken = true): void {
    clearTimeout(this.timer);
    this.wakePending = woken;
    this.timer = setTimeout(() => {
      this.wakePending = false;
      void this.tick(woken);
    }, delay);
  }

  private async tick(woken: boolean): Promise<void> {
    if (!this.running || this.round) return;
    this.wakeRequested = false;
    // A poll (not a wake-up) looks first with one read-only statement: an idle outbox costs no claim transaction.
    this.round = woken || !this.notified ? this.publishBatch() : this.publishIfPending();
    let published = 0;
    try {
      published = await this.round;
    } catch (error) {
      log.warn({ err: error, schema: this.options.schema }, 'relay round failed; will retry');
    } finally {
      this.round = undefined;
    }
    if (!this.running) return;
    const full = published >= this.batchSize;
    if (full) this.schedule(0);
    else if (this.wakeRequested) this.schedule(RELAY_WAKE_GATHER_MS);
    else if (this.notified && !this.contended) this.schedule(this.options.idlePollMs ?? RELAY_IDLE_POLL_MS, false);
    else this.schedule(this.options.pollMs ?? RELAY_POLL_MS, false);
  }

  /** A round only when some row waits for a position or for publishing. */
  private async publishIfPending(): Promise<number> {
    const { rows } = await this.options.db.query<{ pending: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${this.table} WHERE published_at IS NULL) AS pending`);
    return rows[0]?.pending ? this.publishBatch() : 0;
  }
}

/** Unpublished outbox rows of a schema and the age of the oldest. */
export async function outboxLag(db: Queryable, schema: string): Promise<{ pending: number; oldestPendingAgeMs: number }> {
  const { rows } = await db.query<{ pending: number; oldest: Date | null }>(
    `SELECT count(*)::int8 AS pending, min(occurred_at) AS oldest FROM ${qualified(schema, 'outbox')} WHERE published_at IS NULL`,
  );
  const oldest = rows[0]?.oldest;
  return { pending: rows[0]?.pending ?? 0, oldestPendingAgeMs: oldest ? Math.max(0, Date.now() - oldest.getTime()) : 0 };
}

function toDelivered(row: OutboxRow): DeliveredEvent {
  return { envelope: envelopeOf(row), sourceSeq: row.position };
}
