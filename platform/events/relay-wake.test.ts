import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { Db, Queryable } from '../db';
import type { EventBus } from './bus';
import { defineEvent } from './catalog';
import type { DeliveredEvent } from './envelope';
import { appendEvents } from './outbox';
import { OutboxRelay } from './relay';

/**
 * Cheaper writes (issue 15): an idle relay writes nothing and commits no claim transaction, and an
 * append wakes it by NOTIFY (migration 030) without waiting for its fallback poll.
 */
const WakeProbed = defineEvent('WakeProbed', 1, z.object({ n: z.number().int().min(0) }));
/** An outbox no running consumer reads in this file. */
const SCHEMA = 'inventory';
/** A fallback poll far longer than any wait below: whatever happens sooner came from a NOTIFY. */
const NEVER_MS = 10 * 60_000;
const WAIT_MS = 20_000;
const STEP_MS = 50;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

function recordingBus(): EventBus & { published: DeliveredEvent[] } {
  const published: DeliveredEvent[] = [];
  return {
    kind: 'in-process',
    published,
    epoch: async () => 'wake-test',
    subscribe: async () => ({ close: async () => undefined }),
    close: async () => undefined,
    async publish(events) {
      published.push(...events);
    },
  };
}

/** The real database, counting what passes through it: transactions opened and statements that write. */
function counting(db: Db): Db & { transactions: number; writes: string[]; reads: number } {
  const writes: string[] = [];
  const isWrite = (sql: string) => /^\s*(INSERT|UPDATE|DELETE)\b/i.test(sql);
  const wrapped = {
    kind: db.kind,
    transactions: 0,
    writes,
    reads: 0,
    async query(sql: string, params?: readonly unknown[]) {
      if (isWrite(sql)) writes.push(sql);
      else wrapped.reads++;
      return db.query(sql, params);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>) {
      wrapped.transactions++;
      return db.transaction((tx) =>
        fn({
          query: (sql, params) => {
            if (isWrite(sql)) writes.push(sql);
            return tx.query(sql, params);
          },
        }),
      );
    },
    ping: () => db.ping(),
    close: () => db.close(),
    listen: db.listen?.bind(db),
  };
  return wrapped as unknown as Db & { transactions: number; writes: string[]; reads: number };
}

const append = (n: number) => database.db.transaction((tx) => appendEvents(tx, SCHEMA, SCHEMA, [{ definition: WakeProbed, aggregateId: 'agg', data: { n } }]));

async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, STEP_MS));
  }
}

describe('the relay when idle', () => {
  it('is woken by the NOTIFY of an append, not by its poll', async () => {
    const bus = recordingBus();
    const relay = new OutboxRelay({ db: database.db, schema: SCHEMA, bus, pollMs: NEVER_MS, idlePollMs: NEVER_MS });
    relay.start();
    try {
      await waitUntil('the relay listens', () => relay.listening);
      // Appended by a transaction of its own: nobody calls relay.wake().
      await append(1);
      await waitUntil('the append is published', () => bus.published.length === 1);
      await append(2);
      await waitUntil('the second append is published', () => bus.published.length === 2);
    } finally {
      await relay.stop();
    }
  });

  it('polls with reads only: no transaction, no write while nothing is pending', async () => {
    const db = counting(database.db);
    const relay = new OutboxRelay({ db, schema: SCHEMA, bus: recordingBus(), idlePollMs: 100 });
    relay.start();
    try {
      await waitUntil('the relay listens', () => relay.listening);
      // Its first round (at start) claims; after that it only looks.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const { transactions, reads } = db;
      const writes = db.writes.length;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(db.reads).toBeGreaterThan(reads + 2);
      expect(db.transactions).toBe(transactions);
      expect(db.writes.length).toBe(writes);
    } finally {
      await relay.stop();
    }
  });
});
