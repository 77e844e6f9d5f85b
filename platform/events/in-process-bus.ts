import type { DeliveredEvent } from './envelope';
import { REDELIVERY_DELAY_MS, type BusSubscription, type DeliveryHandler, type EventBus } from './bus';

/** One consumer group: its queue and the members taking turns at it. */
interface Group {
  queue: DeliveredEvent[];
  members: DeliveryHandler[];
  next: number;
  draining: boolean;
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
  /** Memory lives as long as this object; a new process is a new epoch and its relay starts fresh. */
  private readonly memory = `in-process:${process.pid}:${Date.now()}`;

  async epoch(): Promise<string> {
    return this.memory;
  }

  async publish(events: readonly DeliveredEvent[]): Promise<void> {
    if (this.closed) throw new Error('InProcessBus is closed');
    for (const group of this.groups.values()) {
      group.queue.push(...events);
      this.drain(group);
    }
  }

  async subscribe(consumer: string, handler: DeliveryHandler): Promise<BusSubscription> {
    let group = this.groups.get(consumer);
    if (!group) {
      group = { queue: [], members: [], next: 0, draining: false };
      this.groups.set(consumer, group);
    }
    group.members.push(handler);
    const owner = group;
    return {
      close: async () => {
        owner.members = owner.members.filter((member) => member !== handler);
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
          try {
            await member(event);
            group.queue.shift();
          } catch {
            // The handler could not record anything (database down): keep the event, try later.
            await new Promise((resolve) => setTimeout(resolve, REDELIVERY_DELAY_MS));
          }
        }
      } finally {
        group.draining = false;
      }
      if (group.queue.length > 0 && group.members.length > 0 && !this.closed) this.drain(group);
    })();
  }
}
