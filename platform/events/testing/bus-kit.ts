import { newId } from '../../ids';
import type { DeliveryHandler } from '../bus';
import type { DeliveredEvent } from '../envelope';

/** How often `waitFor` looks again: short, so tests finish as soon as the condition holds. */
const POLL_MS = 10;

/**
 * Resolves once `condition` holds; rejects after `timeoutMs` naming what was awaited, so a hung
 * bus fails one test with a readable message instead of jest's generic timeout.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(POLL_MS);
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let nextSeq = 1;

/**
 * `count` well-formed deliveries of a test-only type, with increasing `sourceSeq` across calls
 * (as one outbox would number them) and `data.n` numbering them within the call.
 */
export function testEvents(count: number, aggregateId = 'agg-1'): DeliveredEvent[] {
  return Array.from({ length: count }, (_, n) => ({
    envelope: {
      id: newId('evt'),
      type: 'BusContractProbe',
      version: 1,
      occurredAt: new Date().toISOString(),
      source: 'bus-contract',
      correlationId: 'bus-contract',
      causationId: null,
      aggregateId,
      data: { n },
    },
    sourceSeq: nextSeq++,
  }));
}

/** The ids of deliveries, in the order given. */
export function idsOf(events: readonly DeliveredEvent[]): string[] {
  return events.map((event) => event.envelope.id);
}

/** A handler that records what it was given (and how many ran at once), for assertions. */
export class Recorder {
  /** Deliveries whose handling resolved, in completion order. */
  readonly received: DeliveredEvent[] = [];
  /** Most handler calls running at the same time: the bus promises one at a time per member. */
  maxConcurrent = 0;
  private running = 0;

  constructor(
    /** Runs before recording; a rejection is passed on to the bus (and nothing is recorded). */
    private readonly before: (event: DeliveredEvent) => Promise<void> | void = () => undefined,
  ) {}

  readonly handler: DeliveryHandler = async (event) => {
    this.running++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    try {
      await this.before(event);
      this.received.push(event);
    } finally {
      this.running--;
    }
  };

  /** Ids of the recorded deliveries, in completion order. */
  ids(): string[] {
    return idsOf(this.received);
  }
}
