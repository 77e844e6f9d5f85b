import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import type { Queryable } from '../db';
import { reapIdempotencyKeys, withIdempotency, type Payload } from './idempotency';
import { canonicalJson, fingerprint } from './fingerprint';

/** A test effect: inserts one audit row (any table of the schema would do) and answers with its target. */
type Result = Payload & { target: string | null };
const errorPayload = (error: Payload['userErrors'][number]): Result => ({ target: null, userErrors: [error] });

let database: TestDatabase;
let counter = 0;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

const scope = (key: string, input: unknown = { sku: 'A', quantity: 1 }, extra: Partial<{ principal: string; inFlightWaitMs: number }> = {}) => ({
  schema: 'inventory',
  principal: extra.principal ?? 'user:till-7',
  operation: 'adjustInventory',
  key,
  input,
  inFlightWaitMs: extra.inFlightWaitMs,
});

async function effect(tx: Queryable, target: string): Promise<Result> {
  await tx.query(`INSERT INTO inventory.audit_log (actor, roles, action, target) VALUES ('test', '{}', 'effect', $1)`, [target]);
  return { target, userErrors: [] };
}

async function effectsFor(target: string): Promise<number> {
  const { rows } = await database.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM inventory.audit_log WHERE target = $1`, [target]);
  return rows[0]?.n ?? 0;
}

const uniqueKey = () => `key-${process.pid}-${++counter}`;

describe('withIdempotency', () => {
  it('applies a new key once and replays the stored payload for the same key and input', async () => {
    const key = uniqueKey();
    const first = await withIdempotency(database.db, scope(key), (tx) => effect(tx, key), errorPayload);
    const again = await withIdempotency(database.db, scope(key), (tx) => effect(tx, `${key}-other`), errorPayload);
    expect(first).toEqual({ outcome: 'APPLIED', payload: { target: key, userErrors: [] } });
    expect(again).toEqual({ outcome: 'REPLAYED', payload: { target: key, userErrors: [] } });
    expect(await effectsFor(key)).toBe(1);
    expect(await effectsFor(`${key}-other`)).toBe(0);
  });

  it('treats inputs equal up to key order as the same input', async () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
    expect(fingerprint({ b: 1, a: 2, c: undefined })).toBe(fingerprint({ a: 2, b: 1 }));
    const key = uniqueKey();
    await withIdempotency(database.db, scope(key, { sku: 'A', quantity: 1 }), (tx) => effect(tx, key), errorPayload);
    const replay = await withIdempotency(database.db, scope(key, { quantity: 1, sku: 'A' }), (tx) => effect(tx, key), errorPayload);
    expect(replay.outcome).toBe('REPLAYED');
  });

  it('refuses the same key with different input with IDEMPOTENCY_KEY_PARAMETER_MISMATCH and changes nothing', async () => {
    const key = uniqueKey();
    await withIdempotency(database.db, scope(key, { quantity: 1 }), (tx) => effect(tx, key), errorPayload);
    const mismatch = await withIdempotency(database.db, scope(key, { quantity: 2 }), (tx) => effect(tx, `${key}-2`), errorPayload);
    expect(mismatch.outcome).toBe('REJECTED');
    expect(mismatch.payload.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH', field: ['idempotencyKey'] })]);
    expect(await effectsFor(`${key}-2`)).toBe(0);
  });

  it('scopes keys to the principal: two callers may use the same key independently', async () => {
    const key = uniqueKey();
    await withIdempotency(database.db, scope(key, {}, { principal: 'user:a' }), (tx) => effect(tx, `${key}-a`), errorPayload);
    const other = await withIdempotency(database.db, scope(key, { different: true }, { principal: 'user:b' }), (tx) => effect(tx, `${key}-b`), errorPayload);
    expect(other.outcome).toBe('APPLIED');
  });

  it('refuses malformed keys with INVALID_IDEMPOTENCY_KEY without touching the database', async () => {
    for (const key of ['', 'has space', 'x'.repeat(256), 'ключ', 'a/b']) {
      const result = await withIdempotency(database.db, scope(key), (tx) => effect(tx, 'never'), errorPayload);
      expect(result.payload.userErrors[0]?.code).toBe('INVALID_IDEMPOTENCY_KEY');
    }
    expect(await effectsFor('never')).toBe(0);
  });

  it('rolls back an effect that answers with userErrors and does not keep its key', async () => {
    const key = uniqueKey();
    const refused = await withIdempotency(
      database.db,
      scope(key),
      async (tx) => {
        await effect(tx, `${key}-partial`);
        return { target: null, userErrors: [{ code: 'INVALID_QUANTITY', field: ['input', 'quantity'], message: 'no' }] };
      },
      errorPayload,
    );
    expect(refused.outcome).toBe('REJECTED');
    expect(await effectsFor(`${key}-partial`)).toBe(0);
    // Corrected input may reuse the key: nothing was kept under it.
    const corrected = await withIdempotency(database.db, scope(key, { sku: 'A', quantity: 2 }), (tx) => effect(tx, key), errorPayload);
    expect(corrected.outcome).toBe('APPLIED');
  });

  it('keeps nothing when the effect throws, so a retry after a crash before commit applies once', async () => {
    const key = uniqueKey();
    await expect(
      withIdempotency(
        database.db,
        scope(key),
        async (tx) => {
          await effect(tx, key);
          throw new Error('process died here');
        },
        errorPayload,
      ),
    ).rejects.toThrow('process died here');
    expect(await effectsFor(key)).toBe(0);
    const retry = await withIdempotency(database.db, scope(key), (tx) => effect(tx, key), errorPayload);
    expect(retry.outcome).toBe('APPLIED');
    expect(await effectsFor(key)).toBe(1);
  });

  it('makes a request racing an in-flight one with the same key wait, then replay its result', async () => {
    const key = uniqueKey();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = withIdempotency(
      database.db,
      scope(key),
      async (tx) => {
        const result = await effect(tx, key);
        await gate;
        return result;
      },
      errorPayload,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const racing = withIdempotency(database.db, scope(key), (tx) => effect(tx, key), errorPayload);
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    expect((await slow).outcome).toBe('APPLIED');
    expect(await racing).toEqual({ outcome: 'REPLAYED', payload: { target: key, userErrors: [] } });
    expect(await effectsFor(key)).toBe(1);
  });

  it('tells a request to retry with IDEMPOTENCY_CONCURRENT_REQUEST when the in-flight one outlasts the wait', async () => {
    const key = uniqueKey();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = withIdempotency(
      database.db,
      scope(key),
      async (tx) => {
        const result = await effect(tx, key);
        await gate;
        return result;
      },
      errorPayload,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const impatient = await withIdempotency(database.db, scope(key, undefined, { inFlightWaitMs: 200 }), (tx) => effect(tx, key), errorPayload);
    release();
    await slow;
    expect(impatient.payload.userErrors).toEqual([expect.objectContaining({ code: 'IDEMPOTENCY_CONCURRENT_REQUEST' })]);
    const later = await withIdempotency(database.db, scope(key), (tx) => effect(tx, key), errorPayload);
    expect(later.outcome).toBe('REPLAYED');
    expect(await effectsFor(key)).toBe(1);
  });
});

describe('reapIdempotencyKeys', () => {
  it('deletes keys past retention and never an in-flight key', async () => {
    const old = uniqueKey();
    await withIdempotency(database.db, scope(old), (tx) => effect(tx, old), errorPayload);
    await database.db.query(`UPDATE inventory.idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [old]);

    const inFlight = uniqueKey();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const pending = withIdempotency(
      database.db,
      scope(inFlight),
      async (tx) => {
        const result = await effect(tx, inFlight);
        await gate;
        return result;
      },
      errorPayload,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));

    // The 25-hour-old key is past the 24-hour retention; the in-flight key is not committed, so invisible.
    const reapedWhileInFlight = await reapIdempotencyKeys(database.db, 'inventory', 24 * 3600 * 1000);
    release();
    expect((await pending).outcome).toBe('APPLIED');
    expect(reapedWhileInFlight).toBeGreaterThanOrEqual(1);
    const { rows } = await database.db.query<{ key: string }>(`SELECT key FROM inventory.idempotency_keys WHERE key = ANY($1)`, [[old, inFlight]]);
    expect(rows.map((row) => row.key)).toEqual([inFlight]);
  });
});
