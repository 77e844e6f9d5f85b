import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { runInScope } from '../context';
import { countReplays, withIdempotency, type Payload } from './idempotency';

/** Replays are counted (the KPI "duplicate attempts absorbed") and carry their flow; first requests and refusals are not counted. */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

type Result = Payload & { n: number };
const errorPayload = (error: Payload['userErrors'][number]): Result => ({ n: 0, userErrors: [error] });
const scope = (key: string, input: unknown) => ({ schema: 'orders', principal: 'user:till-9', operation: 'recordOrder', key, input });
const apply = (key: string, input: unknown, correlationId: string) =>
  runInScope({ correlationId }, () => withIdempotency(database.db, scope(key, input), async () => ({ n: 1, userErrors: [] }), errorPayload));

it('records one row per replay with its correlation id, the applying request’s correlation on the key, and nothing for a mismatch', async () => {
  const from = new Date(Date.now() - 60_000);
  expect((await apply('replay-key-1', { a: 1 }, 'corr-first')).outcome).toBe('APPLIED');
  expect((await apply('replay-key-1', { a: 1 }, 'corr-retry-1')).outcome).toBe('REPLAYED');
  expect((await apply('replay-key-1', { a: 1 }, 'corr-retry-2')).outcome).toBe('REPLAYED');
  expect((await apply('replay-key-1', { a: 2 }, 'corr-mismatch')).outcome).toBe('REJECTED');
  const to = new Date(Date.now() + 60_000);

  expect(await countReplays(database.db, 'orders', from, to)).toBe(2);
  expect(await countReplays(database.db, 'orders', to, new Date(to.getTime() + 1000))).toBe(0);
  const { rows } = await database.db.query<{ correlation_id: string }>(
    `SELECT correlation_id FROM orders.idempotency_replays WHERE key = 'replay-key-1' ORDER BY id`,
  );
  expect(rows.map((row) => row.correlation_id)).toEqual(['corr-retry-1', 'corr-retry-2']);
  const key = await database.db.query<{ correlation_id: string }>(`SELECT correlation_id FROM orders.idempotency_keys WHERE key = 'replay-key-1'`);
  expect(key.rows[0]?.correlation_id).toBe('corr-first');
});
