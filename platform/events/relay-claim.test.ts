import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { EventBus } from './bus';
import { defineEvent } from './catalog';
import type { DeliveredEvent } from './envelope';
import { appendEvents } from './outbox';
import { OutboxRelay } from './relay';

/**
 * The relay's claim: it publishes holding no transaction or lock, and one live claim per outbox
 * keeps a second instance from publishing later rows first until the claim is released or expires.
 */
const ClaimProbed = defineEvent('ClaimProbed', 1, z.object({ n: z.number().int().min(0) }));
/** A schema with an outbox that no running consumer reads in this file. */
const SCHEMA = 'refunds';
/** A claim that expires quickly, for the take-over test. */
const SHORT_CLAIM_MS = 300;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

/** A bus that records what it is given and runs `during` inside each publish, before accepting it. */
function recordingBus(during: () => Promise<void> = async () => undefined): EventBus & { published: DeliveredEvent[] } {
  const published: DeliveredEvent[] = [];
  return {
    kind: 'in-process',
    published,
    epoch: async () => 'claim-test',
    subscribe: async () => ({ close: async () => undefined }),
    close: async () => undefined,
    async publish(events) {
      await during();
      published.push(...events);
    },
  };
}

const append = (from: number, count: number) =>
  database.db.transaction((tx) =>
    appendEvents(
      tx,
      SCHEMA,
      SCHEMA,
      Array.from({ length: count }, (_, i) => ({ definition: ClaimProbed, aggregateId: 'agg', data: { n: from + i } })),
    ),
  );
const numbers = (events: readonly DeliveredEvent[]) => events.map((event) => (event.envelope.data as { n: number }).n);
const unpublished = async () =>
  Number((await database.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${SCHEMA}.outbox WHERE published_at IS NULL`)).rows[0]?.n);

describe('the relay claim', () => {
  it('publishes holding no transaction and no lock of the outbox', async () => {
    let lockFreeWhilePublishing: boolean | undefined;
    const bus = recordingBus(async () => {
      lockFreeWhilePublishing = await database.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`${SCHEMA}.outbox`]);
        return rows[0]?.locked === true;
      });
    });
    await append(0, 3);
    expect(await new OutboxRelay({ db: database.db, schema: SCHEMA, bus }).drain()).toBe(3);
    expect(lockFreeWhilePublishing).toBe(true);
    expect(numbers(bus.published)).toEqual([0, 1, 2]);
    expect(await unpublished()).toBe(0);
  });

  it('keeps a second relay from publishing while the first holds a live claim, and lets it take over an expired one', async () => {
    let release!: () => void;
    let entered!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const publishing = new Promise<void>((resolve) => (entered = resolve));
    const stuck = recordingBus(async () => {
      entered();
      await held;
    });
    const other = recordingBus();
    await append(10, 4);
    const first = new OutboxRelay({ db: database.db, schema: SCHEMA, bus: stuck, claimMs: SHORT_CLAIM_MS });
    const second = new OutboxRelay({ db: database.db, schema: SCHEMA, bus: other });

    const firstRound = first.publishBatch();
    await publishing;
    expect(await second.publishBatch()).toBe(0);
    await append(14, 1);
    expect(await second.publishBatch()).toBe(0);

    // The first relay is stuck past its claim: the second publishes the claimed batch again, then on, in order.
    await new Promise((resolve) => setTimeout(resolve, SHORT_CLAIM_MS + 100));
    expect(await second.drain()).toBe(5);
    expect(numbers(other.published)).toEqual([10, 11, 12, 13, 14]);

    release();
    expect(await firstRound).toBe(4);
    expect(numbers(stuck.published)).toEqual([10, 11, 12, 13]);
    expect(await unpublished()).toBe(0);
    // Positions are the outbox's, whoever published: the duplicates carry the same ones.
    expect(stuck.published.map((event) => event.sourceSeq)).toEqual(other.published.slice(0, 4).map((event) => event.sourceSeq));
  });
});
