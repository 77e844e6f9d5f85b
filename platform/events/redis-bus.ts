import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { componentLogger } from '../logger';
import type { DeliveredEvent } from './envelope';
import { REDELIVERY_DELAY_MS, type BusSubscription, type DeliveryHandler, type EventBus } from './bus';

const log = componentLogger('redis-bus');

/** Options of the Redis bus. */
export interface RedisBusOptions {
  url: string;
  /**
   * Prefix of every key. Intentionally no default shared between deployments: two graphs on one
   * Redis must not read each other's events. Typical: `rg:<environment>`.
   */
  prefix: string;
  /** A consumer's entries unacknowledged this long are taken over by another member of its group (a crashed process). */
  reclaimIdleMs?: number;
}

/** Entries fetched per read: enough to amortise the round trip, few enough to keep a slow handler's batch short. */
const READ_COUNT = 50;
/** A blocking read returns at least this often, so `close()` is noticed promptly. */
const BLOCK_MS = 1_000;
/** Shortest pause between two reclaim rounds of a member: bounds the XAUTOCLAIM load on Redis. */
const MIN_RECLAIM_INTERVAL_MS = 250;
/** Default idle time before reclaim: far longer than any healthy handler takes. */
const DEFAULT_RECLAIM_IDLE_MS = 30_000;
/** Approximate stream length kept: days of events at peak; consumers far behind recover from the outbox. */
const STREAM_MAX_LENGTH = 200_000;

type StreamEntry = [id: string, fields: string[] | null];

/**
 * Production bus on Redis streams: one stream, one consumer group per consumer name, entries
 * acknowledged only after the handler resolved. A crashed member's pending entries are reclaimed
 * by another (XAUTOCLAIM). PostgreSQL stays the record: if Redis loses the stream, `epoch()`
 * changes and the relays republish from their outboxes.
 */
export class RedisBus implements EventBus {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly stream: string;
  private readonly epochKey: string;
  private readonly subscriptions = new Set<RedisSubscription>();

  constructor(private readonly options: RedisBusOptions) {
    if (!/^[A-Za-z0-9:_-]{1,100}$/.test(options.prefix)) {
      throw new TypeError(`RedisBus needs a key prefix of letters, digits, ':', '_' or '-', but got: ${JSON.stringify(options.prefix)}`);
    }
    this.redis = new Redis(options.url, { maxRetriesPerRequest: 3, lazyConnect: false });
    this.redis.on('error', (error: unknown) => log.warn({ err: error }, 'redis connection error'));
    this.stream = `${options.prefix}:events`;
    this.epochKey = `${options.prefix}:epoch`;
  }

  async epoch(): Promise<string> {
    const current = await this.redis.get(this.epochKey);
    if (current) return current;
    // First use, or Redis lost its data: start a new epoch (NX: every relay agrees on one).
    await this.redis.set(this.epochKey, randomUUID(), 'NX');
    return (await this.redis.get(this.epochKey)) as string;
  }

  async publish(events: readonly DeliveredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const event of events) pipeline.xadd(this.stream, 'MAXLEN', '~', STREAM_MAX_LENGTH, '*', 'e', JSON.stringify(event));
    const results = await pipeline.exec();
    const failed = results?.find(([error]) => error);
    if (failed) throw failed[0];
  }

  async subscribe(consumer: string, handler: DeliveryHandler): Promise<BusSubscription> {
    const subscription = new RedisSubscription(this.options, this.stream, consumer, handler);
    this.subscriptions.add(subscription);
    await subscription.start();
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    this.redis.disconnect();
  }
}

/** One member of a consumer group, reading on its own connection (XREADGROUP blocks it). */
class RedisSubscription {
  private readonly redis: Redis;
  private readonly member = `${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = true;
  private loop?: Promise<void>;
  private readonly reclaimIdleMs: number;
  /** Reclaim rounds run this often, between reads: about twice per idle period. */
  private readonly reclaimEveryMs: number;

  constructor(
    private readonly options: RedisBusOptions,
    private readonly stream: string,
    private readonly group: string,
    private readonly handler: DeliveryHandler,
  ) {
    this.redis = new Redis(options.url, { maxRetriesPerRequest: null });
    this.redis.on('error', (error: unknown) => log.warn({ err: error, group }, 'redis connection error'));
    this.reclaimIdleMs = options.reclaimIdleMs ?? DEFAULT_RECLAIM_IDLE_MS;
    this.reclaimEveryMs = Math.max(MIN_RECLAIM_INTERVAL_MS, Math.floor(this.reclaimIdleMs / 2));
  }

  async start(): Promise<void> {
    await this.ensureGroup();
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    await this.loop;
    this.redis.disconnect();
  }

  /** Creates the group reading from the stream's start (inboxes drop what was handled before). */
  private async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', this.stream, this.group, '0', 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
    }
  }

  private async run(): Promise<void> {
    // First what this member read but never acknowledged (a restart), then new entries.
    let cursor = '0';
    let nextReclaimAt = Date.now() + this.reclaimEveryMs;
    while (this.running) {
      try {
        // Reclaim runs here, between batches, not on a timer: on a timer its XAUTOCLAIM and XACKs
        // queued behind the blocking read on this connection (up to BLOCK_MS each), overlapping
        // rounds handed the same entry out twice, and it ran handlers beside the read loop, breaking
        // "one at a time". Between batches this member's own pending entries are only those whose
        // handler rejected, so reclaiming them is their redelivery.
        if (Date.now() >= nextReclaimAt) {
          await this.reclaim();
          nextReclaimAt = Date.now() + this.reclaimEveryMs;
        }
        cursor = await this.readBatch(cursor, nextReclaimAt);
      } catch (error) {
        if (!this.running) break;
        cursor = await this.afterReadFailure(error, cursor);
      }
    }
  }

  /** Reads one batch from `cursor`, blocking no later than the next reclaim, delivers it, and returns the next cursor. */
  private async readBatch(cursor: string, nextReclaimAt: number): Promise<string> {
    const block = Math.max(1, Math.min(BLOCK_MS, nextReclaimAt - Date.now()));
    const reply = (await this.redis.xreadgroup('GROUP', this.group, this.member, 'COUNT', READ_COUNT, 'BLOCK', block, 'STREAMS', this.stream, cursor)) as
      [string, StreamEntry[]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    for (const entry of entries) {
      if (!this.running) break;
      await this.deliver(entry);
    }
    if (cursor !== '0') return cursor;
    // Own pending entries continue after the last one returned; new entries follow once none is left.
    return entries.length === 0 ? '>' : (entries[entries.length - 1]?.[0] ?? '>');
  }

  /** The cursor to read from after a failed read, once the failure is dealt with. */
  private async afterReadFailure(error: unknown, cursor: string): Promise<string> {
    // NOGROUP: the stream is gone; UNBLOCKED: it was deleted while this read was blocked on it.
    if (/NOGROUP|UNBLOCKED/.test(String((error as Error).message))) {
      // The stream was lost (flush, failover): recreate the group; the relays republish.
      await this.ensureGroup().catch(() => undefined);
      return '0';
    }
    log.warn({ err: error, group: this.group }, 'read failed; retrying');
    await sleep(REDELIVERY_DELAY_MS);
    return cursor;
  }

  /** Handles one entry; acknowledges only when the handler resolved. */
  private async deliver([id, fields]: StreamEntry): Promise<void> {
    const raw = fields?.[1];
    if (!raw) {
      await this.redis.xack(this.stream, this.group, id);
      return;
    }
    try {
      await this.handler(JSON.parse(raw) as DeliveredEvent);
      await this.redis.xack(this.stream, this.group, id);
    } catch (error) {
      // Left pending: reclaimed after reclaimIdleMs by this member's next reclaim round, or another's.
      log.warn({ err: error, group: this.group, entry: id }, 'handler failed; entry left pending');
    }
  }

  /** Takes over entries left unacknowledged for too long: a crashed member's, or this one's rejected ones. */
  private async reclaim(): Promise<void> {
    if (!this.running) return;
    try {
      const [, entries] = (await this.redis.xautoclaim(this.stream, this.group, this.member, this.reclaimIdleMs, '0', 'COUNT', READ_COUNT)) as [
        string,
        StreamEntry[],
      ];
      for (const entry of entries) if (this.running && entry[1]) await this.deliver(entry);
    } catch (error) {
      if (this.running) log.debug({ err: error }, 'reclaim skipped');
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
