import type { Db, Queryable } from '../db';
import { componentLogger } from '../logger';
import type { EventBus } from './bus';
import type { DeliveredEvent, EventEnvelope } from './envelope';
import { qualified } from './outbox';
import type { UpdateFanout } from './fanout';

const log = componentLogger('relay');

/** Outbox rows published per round: bounds one transaction while keeping throughput high. */
export const RELAY_BATCH_SIZE = 200;
/** Polling interval when idle. Appends also `wake()` the relay, so this only bounds the worst case. */
export const RELAY_POLL_MS = 250;
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
}

interface OutboxRow {
  seq: number;
  id: string;
  type: string;
  version: number;
  source: string;
  aggregate_id: string;
  correlation_id: string;
  causation_id: string | null;
  occurred_at: Date;
  data: unknown;
}

/**
 * Publishes a subgraph's outbox to the bus, in `seq` order, at least once.
 *
 * Each round is one transaction: take the advisory lock of this outbox (so one relay instance
 * publishes at a time and order holds across instances), read the oldest unpublished rows,
 * publish them, stamp them published, commit. A crash after publishing and before commit
 * publishes the batch again; consumers' inboxes make that harmless.
 */
export class OutboxRelay {
  private timer?: NodeJS.Timeout;
  private running = false;
  private round?: Promise<number>;
  private wakeRequested = false;
  private readonly table: string;
  private readonly stateTable: string;

  constructor(private readonly options: RelayOptions) {
    this.table = qualified(options.schema, 'outbox');
    this.stateTable = qualified(options.schema, 'relay_state');
  }

  /** Starts polling. */
  start(): void {
    this.running = true;
    this.schedule(0);
  }

  /** Publishes soon: called after a transaction that appended events committed. */
  wake(): void {
    if (!this.running) return;
    if (this.round) this.wakeRequested = true;
    else this.schedule(0);
  }

  /** Stops after the round in progress. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
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

  /** One round: returns how many rows it published (0 when idle or another instance holds the lock). */
  async publishBatch(): Promise<number> {
    await this.checkEpoch();
    return this.options.db.transaction(async (tx) => {
      const { rows: lock } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [this.table]);
      if (!lock[0]?.locked) return 0;
      const { rows } = await tx.query<OutboxRow & Record<string, unknown>>(
        `SELECT seq, id, type, version, source, aggregate_id, correlation_id, causation_id, occurred_at, data
           FROM ${this.table} WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [this.options.batchSize ?? RELAY_BATCH_SIZE],
      );
      if (rows.length === 0) return 0;
      await this.options.bus.publish(rows.map(toDelivered));
      // Best effort: a gateway that misses a notice is caught up by its subscriber's cursor.
      await this.options.fanout
        ?.publish(rows.map((row) => ({ source: row.source, seq: row.seq, type: row.type, aggregateId: row.aggregate_id, data: row.data as Record<string, unknown> })))
        .catch((error: unknown) => log.warn({ err: error }, 'fan-out failed; subscribers resume from the event log'));
      await tx.query(`UPDATE ${this.table} SET published_at = now() WHERE seq = ANY($1)`, [rows.map((row) => row.seq)]);
      return rows.length;
    });
  }

  /** Unpublished rows and the age of the oldest, for monitoring. */
  async lag(db: Queryable = this.options.db): Promise<{ pending: number; oldestPendingAgeMs: number }> {
    return outboxLag(db, this.options.schema);
  }

  /** When the bus lost events since our last round, mark recent rows unpublished again. */
  private async checkEpoch(): Promise<void> {
    const epoch = await this.options.bus.epoch();
    const { rows } = await this.options.db.query<{ bus_epoch: string }>(`SELECT bus_epoch FROM ${this.stateTable}`);
    const known = rows[0]?.bus_epoch;
    if (known === epoch) return;
    await this.options.db.transaction(async (tx) => {
      if (known !== undefined) {
        const { rowCount } = await tx.query(
          `UPDATE ${this.table} SET published_at = NULL WHERE published_at > now() - make_interval(secs => $1)`,
          [REPUBLISH_WINDOW_MS / 1000],
        );
        log.warn({ schema: this.options.schema, republished: rowCount }, 'the bus lost events; republishing from the outbox');
      }
      await tx.query(
        `INSERT INTO ${this.stateTable} (id, bus_epoch) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET bus_epoch = EXCLUDED.bus_epoch, updated_at = now()`,
        [epoch],
      );
    });
  }

  private schedule(delay: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (!this.running || this.round) return;
    this.wakeRequested = false;
    this.round = this.publishBatch();
    let published = 0;
    try {
      published = await this.round;
    } catch (error) {
      log.warn({ err: error, schema: this.options.schema }, 'relay round failed; will retry');
    } finally {
      this.round = undefined;
    }
    if (!this.running) return;
    const full = published >= (this.options.batchSize ?? RELAY_BATCH_SIZE);
    this.schedule(full || this.wakeRequested ? 0 : (this.options.pollMs ?? RELAY_POLL_MS));
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
  const envelope: EventEnvelope = {
    id: row.id,
    type: row.type,
    version: row.version,
    occurredAt: row.occurred_at.toISOString(),
    source: row.source,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    aggregateId: row.aggregate_id,
    data: row.data,
  };
  return { envelope, sourceSeq: row.seq };
}
