import type { DeliveredEvent } from './envelope';

/**
 * Handles one delivered event. Resolving acknowledges it; rejecting means "could not even record
 * the outcome" (the database is down) and the bus redelivers it later. Business failures never
 * reject: the consumer runtime records them for retry in PostgreSQL.
 */
export type DeliveryHandler = (event: DeliveredEvent) => Promise<void>;

/** A live subscription of one consumer. */
export interface BusSubscription {
  /** Stops delivering; an event being handled finishes first. */
  close(): Promise<void>;
}

/**
 * The event bus between the outbox relays and the consumers. Adapters: in-process (the embedded
 * default) and Redis streams (production); both pass `bus.contract.ts`.
 *
 * Delivery is at least once. Each consumer name is a group: every event reaches every group
 * once, and one member of the group, in publish order within one member.
 */
export interface EventBus {
  /** Which adapter this is, for diagnostics. */
  readonly kind: 'in-process' | 'redis';
  /** Publishes events in the given order; resolves once the bus has them. */
  publish(events: readonly DeliveredEvent[]): Promise<void>;
  /**
   * Delivers every event published from now on (and, on Redis, any the group has not yet
   * acknowledged) to `handler`, one at a time.
   */
  subscribe(consumer: string, handler: DeliveryHandler): Promise<BusSubscription>;
  /**
   * A token naming the bus's current memory. It changes when the bus lost events it had accepted
   * (Redis flushed, or failed over without them): the relay then republishes recent events from the
   * outbox, and consumers' inboxes drop the duplicates.
   */
  epoch(): Promise<string>;
  /** Closes connections; further calls fail. */
  close(): Promise<void>;
}

/** Redelivery delay after a handler rejected (the database was unreachable). */
export const REDELIVERY_DELAY_MS = 1_000;
