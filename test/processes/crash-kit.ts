import { z } from 'zod';
import type { Db, Queryable } from '../../platform/db';
import { defineEvent } from '../../platform/events/catalog';
import type { EventBus } from '../../platform/events/bus';
import type { DeliveredEvent, EventEnvelope } from '../../platform/events/envelope';
import { appendEvents } from '../../platform/events/outbox';

/**
 * What the crash tests and their child processes share: a test-only event, the table a consumer
 * applies it to, and bus wrappers that slow publishing down or count deliveries. Not a test file.
 */

/** A test-only event: nothing else publishes or consumes it. */
export const CrashTestThingHappened = defineEvent('CrashTestThingHappened', 1, z.object({ n: z.number().int().min(0) }));

/** The subgraph schema whose outbox and inbox the crash tests use (nothing else uses inventory's yet). */
export const CRASH_SCHEMA = 'inventory';
/** The consumer name of the crash tests: its Redis group and inbox key. */
export const CRASH_CONSUMER = 'crash-test.applier';

/**
 * Creates the tables the handler and the delivery counter write. `applied` is deliberately NOT
 * unique on event id: an event applied twice shows up as a count of 2 instead of being hidden
 * behind a duplicate-key error.
 */
export async function createCrashTables(db: Queryable): Promise<void> {
  await db.query(`CREATE TABLE public.crash_applied (event_id text NOT NULL, pid integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  await db.query(`CREATE TABLE public.crash_deliveries (event_id text NOT NULL, pid integer NOT NULL, delivered_at timestamptz NOT NULL DEFAULT now())`);
}

/** The effect of one event: one row, written in the consumer's transaction with its inbox row. */
export async function applyCrashEvent(tx: Queryable, _data: unknown, event: EventEnvelope): Promise<void> {
  await tx.query('INSERT INTO public.crash_applied (event_id, pid) VALUES ($1, $2)', [event.id, process.pid]);
}

/** Appends `count` test events to the crash schema's outbox, `perTransaction` at a time. */
export async function appendCrashEvents(db: Db, count: number, perTransaction: number): Promise<void> {
  for (let start = 0; start < count; start += perTransaction) {
    const size = Math.min(perTransaction, count - start);
    await db.transaction((tx) =>
      appendEvents(
        tx,
        CRASH_SCHEMA,
        CRASH_SCHEMA,
        Array.from({ length: size }, (_, i) => ({ definition: CrashTestThingHappened, aggregateId: `thing-${(start + i) % 20}`, data: { n: start + i } })),
      ),
    );
  }
}

/**
 * A bus whose `publish` sends one event at a time with a pause between, so a relay batch spends
 * most of its time half published: a SIGKILL then lands mid-batch, with part of the batch on the
 * bus and none of it stamped. `onProgress(batch, sentInBatch)` is called after each event.
 */
export function slowPublishing(inner: EventBus, pauseMs: number, onProgress: (batch: number, sent: number) => void): EventBus {
  let batch = 0;
  return {
    kind: inner.kind,
    epoch: () => inner.epoch(),
    subscribe: (consumer, handler) => inner.subscribe(consumer, handler),
    close: () => inner.close(),
    async publish(events: readonly DeliveredEvent[]) {
      batch += 1;
      let sent = 0;
      for (const event of events) {
        await inner.publish([event]);
        onProgress(batch, ++sent);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    },
  };
}

/** A bus that calls `onDelivery` for every delivery, before the consumer (and its inbox) sees it. */
export function countingDeliveries(inner: EventBus, onDelivery: (event: DeliveredEvent) => Promise<void> | void): EventBus {
  return {
    kind: inner.kind,
    epoch: () => inner.epoch(),
    publish: (events) => inner.publish(events),
    close: () => inner.close(),
    subscribe: (consumer, handler) =>
      inner.subscribe(consumer, async (event) => {
        await onDelivery(event);
        await handler(event);
      }),
  };
}

/** A required environment variable of a child process, or a clear failure. */
export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`The crash-test child needs ${name} in its environment`);
  return value;
}
