import { AsyncResource } from 'node:async_hooks';
import { Redis } from 'ioredis';
import { componentLogger } from '../logger';

const log = componentLogger('fanout');

/**
 * A notice that an event was published, broadcast to every gateway instance so it can update its
 * subscribers. Only what is needed to route it (source, position, type and owner fields); the
 * subscriber's payload is resolved through the graph under the subscriber's own authorization.
 */
export interface UpdateNotice {
  /** The publishing subgraph, e.g. `returns`. */
  source: string;
  /**
   * The event's position in its source's log (commit order, stamped by the relay before the notice
   * is sent): the subscription cursor and what subscribers deduplicate by.
   */
  position: number;
  type: string;
  aggregateId: string;
  /** The event's data (owner fields and ids filter subscribers; nothing else is relied on). */
  data: Record<string, unknown>;
  /** When the event occurred (ISO 8601): the start of the subscription delivery lag in `/metrics`. Absent from older relays' notices. */
  occurredAt?: string;
  /**
   * The correlation id of the request that caused the event: the gateway resolves each update
   * under it, so the subgraph calls and logs of an update belong to the same business flow.
   * Optional: notices from a relay of an older version have none (the gateway then makes one).
   */
  correlationId?: string;
  /** The W3C trace context of that request, when it was traced: the update's resolution joins its trace. */
  traceparent?: string;
}

/** Listens to notices. */
export type NoticeListener = (notice: UpdateNotice) => void;

/**
 * Broadcast of update notices to every gateway instance: in-process (embedded default) or Redis
 * pub/sub (production). Best effort by design — a notice a gateway misses is recovered by the
 * subscriber resuming with its cursor from the event log, which is the record.
 */
export interface UpdateFanout {
  publish(notices: readonly UpdateNotice[]): Promise<void>;
  /** Registers a listener; returns its removal. */
  listen(listener: NoticeListener): Promise<() => void>;
  close(): Promise<void>;
}

/** The embedded default's fan-out: listeners in this process. */
export class InProcessFanout implements UpdateFanout {
  private readonly listeners = new Set<NoticeListener>();
  /** Listeners run outside the publisher's context (a relay's open transaction). */
  private readonly root = new AsyncResource('InProcessFanout');

  async publish(notices: readonly UpdateNotice[]): Promise<void> {
    this.root.runInAsyncScope(() => {
      for (const notice of notices) for (const listener of this.listeners) deliver(listener, notice);
    });
  }

  async listen(listener: NoticeListener): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/** Production fan-out over Redis pub/sub: any gateway instance can serve any subscriber. */
export class RedisFanout implements UpdateFanout {
  private readonly publisher: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Set<NoticeListener>();
  private readonly channel: string;

  constructor(options: { url: string; prefix: string }) {
    this.publisher = new Redis(options.url, { maxRetriesPerRequest: 3 });
    this.publisher.on('error', (error: unknown) => log.warn({ err: error }, 'redis publisher error'));
    this.channel = `${options.prefix}:updates`;
    this.url = options.url;
  }

  private readonly url: string;

  async publish(notices: readonly UpdateNotice[]): Promise<void> {
    if (notices.length === 0) return;
    const pipeline = this.publisher.pipeline();
    for (const notice of notices) pipeline.publish(this.channel, JSON.stringify(notice));
    await pipeline.exec();
  }

  async listen(listener: NoticeListener): Promise<() => void> {
    if (!this.subscriber) {
      // A subscribed connection can do nothing else, so it is its own.
      const subscriber = new Redis(this.url, { maxRetriesPerRequest: null });
      subscriber.on('error', (error: unknown) => log.warn({ err: error }, 'redis subscriber error'));
      subscriber.on('message', (_channel: string, message: string) => {
        let notice: UpdateNotice;
        try {
          notice = JSON.parse(message) as UpdateNotice;
        } catch {
          return;
        }
        for (const each of this.listeners) deliver(each, notice);
      });
      await subscriber.subscribe(this.channel);
      this.subscriber = subscriber;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscriber?.disconnect();
    this.publisher.disconnect();
  }
}

function deliver(listener: NoticeListener, notice: UpdateNotice): void {
  try {
    listener(notice);
  } catch (error) {
    log.warn({ err: error }, 'update listener failed');
  }
}
