import { AsyncResource } from 'node:async_hooks';
import type { DeliveredEvent } from './envelope';
import { REDELIVERY_DELAY_MS, type BusSubscription, type DeliveryHandler, type EventBus } from './bus';

/** One consumer group: its queue and the members taking turns at it. */
interface Group {
  queue: DeliveredEvent[];
  members: DeliveryHandler[];
  next: number;
  draining: boolean;
  /** The member handling an event right now and that handling, so its `close()` can wait for it. */
  inFlight?: { member: DeliveryHandler; done: Promise<unknown> };
}

/**
 * The embedded default's bus: in this process, in memory. PostgreSQL is still the record — on
 * restart the relay republishes whatever was not yet published, and events already published but
 * not handled before a crash are lost to this bus; that is the embedded trade-off, and why
 * production uses Redis (events stay in the stream until acknowledged).
 */
export class InProcessBus implements EventBus {
  readonly kind = 'in-process' as const;
  private readonly groups = new Map<string, Group>();
  private closed = false;
  /**
   * Deliveries run in the context the bus was created in, not in the publisher's: a relay
   * publishes from inside its transaction, and handlers must not inherit that (they open their own).
   */
  private readonly root = new AsyncResource('InProcessBus');
  /** Memory lives as long as this object; a new process is a new epoch and its relay starts fresh. */
  private readonly memory = `in-process:${process.pid}:${Date.now()}`;

  async epoch(): Promise<string> {
    return this.memory;
  }

  async publish(events: readonly DeliveredEvent[]): Promise<void> {
    if (this.closed) throw new Error('InProcessBus is closed');
    for (const group of this.groups.values()) {
      group.queue.push(...events);
      this.root.runInAsyncScope(() => this.drain(group));
    }
  }

  async subscribe(consumer: string, handler: DeliveryHandler): Promise<BusSubscription> {
    let group = this.groups.get(consumer);
    if (!group) {
      group = { queue: [], members: [], next: 0, draining: false };
      this.groups.set(consumer, group);
    }
    // A wrapper of its own (so one function subscribed twice is two members, closed apart) that
    // turns a synchronous throw into a rejection the drain loop handles.
    const member: DeliveryHandler = async (event) => handler(event);
    group.members.push(member);
    const owner = group;
    // Events queued while the group had no member (a consumer restarting) go to this one now.
    this.drain(owner);
    return {
      close: async () => {
        owner.members = owner.members.filter((other) => other !== member);
        // "An event being handled finishes first": the caller may close the database next.
        if (owner.inFlight?.member === member) await owner.inFlight.done;
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.groups.clear();
  }

  /** Hands queued events to the group's members in order, one at a time. */
  private drain(group: Group): void {
    if (group.draining) return;
    group.draining = true;
    void (async () => {
      try {
        while (group.queue.length > 0 && group.members.length > 0 && !this.closed) {
          const event = group.queue[0] as DeliveredEvent;
          const member = group.members[group.next++ % group.members.length] as DeliveryHandler;
          const handling = member(event);
          group.inFlight = { member, done: handling.catch(() => undefined) };
          try {
            await handling;
            group.queue.shift();
          } catch {
            // The handler could not record anything (database down): keep the event, try later.
            await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
          } finally {
            group.inFlight = undefined;
          }
        }
      } finally {
        group.draining = false;
      }
      if (group.queue.length > 0 && group.members.length > 0 && !this.closed) this.drain(group);
    })();
  }
}
