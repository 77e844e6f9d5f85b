import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { runInScope } from '../context';
import { defineEvent, declaredEvents, InvalidEventError } from './catalog';
import { appendEvents, qualified } from './outbox';
import { OrderRecorded } from '../../contracts/events/orders';
import { ReturnAuthorized } from '../../contracts/events/returns';

const WidgetCounted = defineEvent('WidgetCounted', 1, z.object({ count: z.number().int().min(0) }));

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe('appendEvents', () => {
  it('writes the canonical envelope with the correlation id of the request, in the caller transaction', async () => {
    const [envelope] = await runInScope({ correlationId: 'corr-outbox-1' }, () =>
      database.db.transaction((tx) =>
        appendEvents(tx, 'inventory', 'inventory', [{ definition: WidgetCounted, aggregateId: 'agg-1', data: { count: 3 }, causationId: 'evt_cause' }]),
      ),
    );
    expect(envelope).toMatchObject({
      type: 'WidgetCounted',
      version: 1,
      source: 'inventory',
      correlationId: 'corr-outbox-1',
      causationId: 'evt_cause',
      aggregateId: 'agg-1',
      data: { count: 3 },
    });
    const { rows } = await database.db.query(`SELECT type, version, correlation_id, data, published_at FROM inventory.outbox WHERE id = $1`, [envelope?.id]);
    expect(rows).toEqual([{ type: 'WidgetCounted', version: 1, correlation_id: 'corr-outbox-1', data: { count: 3 }, published_at: null }]);
  });

  it('refuses data that does not match the event schema, and the transaction writes nothing', async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await appendEvents(tx, 'inventory', 'inventory', [{ definition: WidgetCounted, aggregateId: 'agg-2', data: { count: 1 } }]);
        await appendEvents(tx, 'inventory', 'inventory', [{ definition: WidgetCounted, aggregateId: 'agg-2', data: { count: -1 } }]);
      }),
    ).rejects.toBeInstanceOf(InvalidEventError);
    const { rowCount } = await database.db.query(`SELECT 1 FROM inventory.outbox WHERE aggregate_id = 'agg-2'`);
    expect(rowCount).toBe(0);
  });

  it('refuses a schema name that is not a plain identifier', () => {
    expect(() => qualified('inventory; DROP TABLE x', 'outbox')).toThrow(TypeError);
  });

  it('has a versioned schema for every event the subgraphs publish', () => {
    expect(declaredEvents()).toEqual(expect.arrayContaining([`${OrderRecorded.type}@1`, `${ReturnAuthorized.type}@1`, 'WidgetCounted@1']));
    expect(() => defineEvent('WidgetCounted', 1, z.object({ other: z.string() }))).toThrow(/defined twice/);
  });
});
