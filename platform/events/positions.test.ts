import { z } from 'zod';
import { GraphQLError } from 'graphql';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { defineEvent } from './catalog';
import type { DeliveredEvent } from './envelope';
import { InProcessFanout, type UpdateNotice } from './fanout';
import { InProcessBus } from './in-process-bus';
import { appendEvents } from './outbox';
import { OutboxRelay } from './relay';
import { loggedEvent, pruneEventLog, scanEventLog } from './update-log';

/**
 * Log positions: stamped by the relay in commit order (not in `seq` order, which is insert order),
 * kept across a republish, never reused after pruning; the log scanned and pruned by position.
 */
const PositionProbed = defineEvent('PositionProbed', 1, z.object({ label: z.string(), owner: z.string() }));
const TYPES = [PositionProbed.type];
/** A schema with an outbox that no running consumer reads in this file. */
const SCHEMA = 'inventory';

let database: TestDatabase;
const notices: UpdateNotice[] = [];
const deliveries: DeliveredEvent[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});
beforeEach(() => {
  notices.length = 0;
  deliveries.length = 0;
});

/** A relay over a fresh in-process bus (a new bus is a new epoch) that records what it publishes. */
async function relayOnNewBus(): Promise<OutboxRelay> {
  const bus = new InProcessBus();
  await bus.subscribe('positions-test', async (event) => {
    deliveries.push(event);
  });
  const fanout = new InProcessFanout();
  await fanout.listen((notice) => notices.push(notice));
  return new OutboxRelay({ db: database.db, schema: SCHEMA, bus, fanout });
}

const probe = (label: string, owner = 'o1') => ({ definition: PositionProbed, aggregateId: `agg-${label}`, data: { label, owner } });
const commit = (...labels: string[]) =>
  database.db.transaction((tx) =>
    appendEvents(
      tx,
      SCHEMA,
      SCHEMA,
      labels.map((label) => probe(label)),
    ),
  );
const labelsOf = (list: { data: Record<string, unknown> }[]) => list.map((each) => each.data.label);
const positionOf = async (label: string) =>
  (await database.db.query<{ position: number | null }>(`SELECT position FROM ${SCHEMA}.outbox WHERE data->>'label' = $1`, [label])).rows[0]?.position ?? null;

/** Lets the in-process bus hand over what was published (it delivers asynchronously). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('positions', () => {
  it('gives an event committed after a later-inserted one the later position, and publishes in that order', async () => {
    const relay = await relayOnNewBus();
    await relay.drain();
    let release!: () => void;
    let appended!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const aAppended = new Promise<void>((resolve) => (appended = resolve));
    const transactionA = database.db.transaction(async (tx) => {
      await appendEvents(tx, SCHEMA, SCHEMA, [probe('A')]);
      appended();
      await held;
    });
    await aAppended;
    await commit('B');
    await relay.drain();
    expect(labelsOf(notices)).toEqual(['B']);
    expect(await positionOf('A')).toBeNull();

    release();
    await transactionA;
    await relay.drain();
    await settle();
    expect(labelsOf(notices)).toEqual(['B', 'A']);
    const [b, a] = notices.map((notice) => notice.position) as [number, number];
    expect(a).toBe(b + 1);
    // The bus orders per aggregate by the same positions.
    expect(deliveries.map((delivery) => delivery.sourceSeq)).toEqual([b, a]);
    // seq says the opposite: A was inserted first.
    const { rows } = await database.db.query<{ label: string }>(
      `SELECT data->>'label' AS label FROM ${SCHEMA}.outbox WHERE data->>'label' IN ('A', 'B') ORDER BY seq`,
    );
    expect(rows.map((row) => row.label)).toEqual(['A', 'B']);

    expect((await loggedEvent(database.db, SCHEMA, a, TYPES))?.data.label).toBe('A');
    expect(labelsOf((await scanEventLog(database.db, SCHEMA, b, TYPES, {})).events)).toEqual(['A']);
    expect(labelsOf((await scanEventLog(database.db, SCHEMA, b - 1, TYPES, {})).events)).toEqual(['B', 'A']);
  });

  it('republishes with the same positions after the bus lost events', async () => {
    await commit('R1', 'R2');
    await (await relayOnNewBus()).drain();
    const first = notices.map((notice) => [notice.data.label, notice.position]);
    notices.length = 0;
    await (await relayOnNewBus()).drain();
    const again = notices.filter((notice) => ['R1', 'R2'].includes(notice.data.label as string)).map((notice) => [notice.data.label, notice.position]);
    expect(again).toEqual(first.filter(([label]) => label === 'R1' || label === 'R2'));
  });

  it('never reuses a position after the whole log was pruned, and refuses a cursor from before the pruned part', async () => {
    const relay = await relayOnNewBus();
    await commit('P1');
    await relay.drain();
    const before = (await positionOf('P1')) as number;
    await database.db.query(`UPDATE ${SCHEMA}.outbox SET occurred_at = now() - interval '8 days'`);
    expect(await pruneEventLog(database.db, SCHEMA)).toBeGreaterThan(0);
    expect((await database.db.query(`SELECT 1 FROM ${SCHEMA}.outbox`)).rowCount).toBe(0);

    // With the log empty, an old cursor is still known to be too old.
    await expect(scanEventLog(database.db, SCHEMA, before - 1, TYPES, {})).rejects.toThrow(GraphQLError);
    await expect(scanEventLog(database.db, SCHEMA, before, TYPES, {})).resolves.toMatchObject({ events: [], reachedEnd: true });

    await commit('P2');
    await relay.drain();
    expect(await positionOf('P2')).toBe(before + 1);
  });

  it('prunes only a prefix of positions, so a kept event never has a pruned one before it', async () => {
    const relay = await relayOnNewBus();
    await commit('Q1');
    await commit('Q2');
    await relay.drain();
    // Q1 (earlier position) is recent, Q2 old: Q2 must stay while Q1 does.
    await database.db.query(`UPDATE ${SCHEMA}.outbox SET occurred_at = now() - interval '8 days' WHERE data->>'label' = 'Q2'`);
    expect(await pruneEventLog(database.db, SCHEMA)).toBe(0);
    expect(await positionOf('Q2')).not.toBeNull();
  });
});

describe('scanning the log', () => {
  it('pages by scanned position, reports the end, and filters by data fields in SQL', async () => {
    const relay = await relayOnNewBus();
    await commit('S0');
    await relay.drain();
    const start = (await positionOf('S0')) as number;
    await database.db.transaction((tx) =>
      appendEvents(
        tx,
        SCHEMA,
        SCHEMA,
        ['S1', 'S2', 'S3', 'S4', 'S5'].map((label, i) => probe(label, i % 2 === 0 ? 'even' : 'odd')),
      ),
    );
    await relay.drain();

    const one = await scanEventLog(database.db, SCHEMA, start, TYPES, {}, 2);
    expect(labelsOf(one.events)).toEqual(['S1', 'S2']);
    expect(one).toMatchObject({ scannedTo: start + 2, reachedEnd: false });
    const two = await scanEventLog(database.db, SCHEMA, one.scannedTo as number, TYPES, { owner: 'even' }, 2);
    expect(labelsOf(two.events)).toEqual(['S3', 'S5']);
    expect(two).toMatchObject({ scannedTo: start + 5, reachedEnd: false });
    const end = await scanEventLog(database.db, SCHEMA, two.scannedTo as number, TYPES, {}, 2);
    expect(end).toEqual({ events: [], scannedTo: null, reachedEnd: true });
  });

  it('refuses a page size below one with BAD_USER_INPUT', async () => {
    const refused = await scanEventLog(database.db, SCHEMA, 0, TYPES, {}, -1).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLError);
    expect((refused as GraphQLError).extensions.code).toBe('BAD_USER_INPUT');
  });
});
