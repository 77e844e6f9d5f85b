import { PgliteDb, migrate } from '../platform/db';
import { graphMigrations, serviceMigrations } from './migrations';

const schemasOf = (sets: readonly { schema: string }[]) => sets.map((set) => set.schema);

describe('migrations follow the connectors chosen', () => {
  it('gives refunds the simulated gateway schema only in simulated mode', () => {
    expect(schemasOf(serviceMigrations('refunds', { mode: 'simulated' }))).toEqual(['refunds', 'erp', 'erp_limiter', 'payments_sim']);
    expect(schemasOf(serviceMigrations('refunds', { mode: 'stripe' }))).toEqual(['refunds', 'erp', 'erp_limiter']);
  });

  it('gives inventory the reference ERP and its limiter, and orders nothing but its own schema, in either mode', () => {
    for (const mode of ['simulated', 'stripe'] as const) {
      expect(schemasOf(serviceMigrations('inventory', { mode }))).toEqual(['inventory', 'erp', 'erp_limiter']);
      expect(schemasOf(serviceMigrations('orders', { mode }))).toEqual(['orders']);
      expect(schemasOf(serviceMigrations('returns', { mode }))).toEqual(['returns']);
    }
  });

  it('migrates the whole graph without the simulated gateway in Stripe mode', () => {
    expect(schemasOf(graphMigrations({ mode: 'stripe' }))).toEqual(['registry', 'orders', 'returns', 'inventory', 'refunds', 'erp', 'erp_limiter']);
    expect(schemasOf(graphMigrations({ mode: 'simulated' }))).toContain('payments_sim');
  });

  it('leaves no payments_sim schema in a database the refunds service migrated in Stripe mode', async () => {
    const db = await PgliteDb.open();
    try {
      await migrate(db, serviceMigrations('refunds', { mode: 'stripe' }));
      const { rows } = await db.query<{ schema_name: string }>(
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('refunds', 'erp', 'payments_sim') ORDER BY schema_name`,
      );
      expect(rows.map((row) => row.schema_name)).toEqual(['erp', 'refunds']);
    } finally {
      await db.close();
    }
  });
});
