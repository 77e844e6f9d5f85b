import type { Db } from '../types';
import { SQLSTATE, sqlState, violatedConstraint } from '../errors';

/**
 * The behaviour every `Db` implementation must show. Run by `db.test.ts` against PostgreSQL and
 * PGlite alike, so stores can rely on it whichever engine runs underneath.
 */
export function describeDbContract(name: string, open: () => Promise<Db>, dispose: (db: Db) => Promise<void>): void {
  describe(`Db contract: ${name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await open();
      await db.query('CREATE SCHEMA IF NOT EXISTS contract');
      await db.query('DROP TABLE IF EXISTS contract.items');
      await db.query(`CREATE TABLE contract.items (
        id text PRIMARY KEY,
        amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now())`);
    });
    afterAll(async () => {
      await dispose(db);
    });
    beforeEach(async () => {
      await db.query('DELETE FROM contract.items');
    });

    it('binds parameters and parses int8 as exact numbers, jsonb as objects and timestamptz as Dates', async () => {
      await db.query('INSERT INTO contract.items (id, amount_minor, details) VALUES ($1, $2, $3)', [
        'a',
        9_007_199_254_740_991,
        { sku: 'X', lines: [{ qty: 2 }], note: null },
      ]);
      const { rows, rowCount } = await db.query<{ amount_minor: number; details: unknown; created_at: Date }>(
        'SELECT amount_minor, details, created_at FROM contract.items WHERE id = $1',
        ['a'],
      );
      expect(rowCount).toBe(1);
      expect(rows[0]?.amount_minor).toBe(9_007_199_254_740_991);
      expect(rows[0]?.details).toEqual({ sku: 'X', lines: [{ qty: 2 }], note: null });
      expect(rows[0]?.created_at).toBeInstanceOf(Date);
    });

    it('stores JSON text in a jsonb column as JSON, top-level arrays included', async () => {
      // node-postgres sends a JS array as a PostgreSQL array literal, so array JSON goes as text.
      await db.query('INSERT INTO contract.items (id, amount_minor, details) VALUES ($1, 0, $2)', ['j', JSON.stringify([{ qty: 1 }])]);
      const { rows } = await db.query<{ details: unknown; kind: string }>(`SELECT details, jsonb_typeof(details) AS kind FROM contract.items WHERE id = 'j'`);
      expect(rows[0]).toEqual({ details: [{ qty: 1 }], kind: 'array' });
    });

    it('reports affected rows of writes', async () => {
      await db.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('a', 1), ('b', 2)`);
      const result = await db.query('UPDATE contract.items SET amount_minor = amount_minor + 1');
      expect(result.rowCount).toBe(2);
    });

    it('commits a transaction that resolves', async () => {
      const value = await db.transaction(async (tx) => {
        await tx.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('t', 5)`);
        return 'done';
      });
      expect(value).toBe('done');
      const { rows } = await db.query('SELECT id FROM contract.items');
      expect(rows).toEqual([{ id: 't' }]);
    });

    it('rolls back every statement of a transaction that throws', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('r', 5)`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      const { rowCount } = await db.query('SELECT 1 FROM contract.items');
      expect(rowCount).toBe(0);
    });

    it('surfaces constraint violations with SQLSTATE and constraint name', async () => {
      await db.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('u', 1)`);
      const duplicate = await db.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('u', 1)`).catch((e: unknown) => e);
      expect(sqlState(duplicate)).toBe(SQLSTATE.UNIQUE_VIOLATION);
      expect(violatedConstraint(duplicate)).toBe('items_pkey');
      const negative = await db.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('n', -1)`).catch((e: unknown) => e);
      expect(sqlState(negative)).toBe(SQLSTATE.CHECK_VIOLATION);
    });

    it('keeps uncommitted writes invisible outside their transaction', async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let inserted!: () => void;
      const insertedSignal = new Promise<void>((resolve) => (inserted = resolve));
      const tx = db.transaction(async (t) => {
        await t.query(`INSERT INTO contract.items (id, amount_minor) VALUES ('i', 1)`);
        inserted();
        await held;
      });
      await insertedSignal;
      if (db.kind === 'postgres') {
        // Another connection runs beside the open transaction and must not see its row.
        const { rows } = await db.query('SELECT count(*)::int8 AS n FROM contract.items');
        expect(rows[0]?.n).toBe(0);
        release();
      } else {
        // PGlite is one session: the statement waits until the transaction has finished.
        const outside = db.query('SELECT count(*)::int8 AS n FROM contract.items');
        release();
        const { rows } = await outside;
        expect(rows[0]?.n).toBe(1);
      }
      await tx;
    });

    it('answers ping', async () => {
      await expect(db.ping()).resolves.toBeUndefined();
    });
  });
}
