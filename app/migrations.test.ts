import { migrate } from '../platform/db';
import { openTestPglite } from '../test/support/pglite';
import { graphMigrations, serviceMigrations } from './migrations';

const schemasOf = (sets: readonly { schema: string }[]) => sets.map((set) => set.schema);

/**
 * PGlite runs every migration of a service on one WebAssembly thread: a few seconds alone, but
 * several times that while the rest of the suite loads both cores.
 */
const PGLITE_MIGRATION_TIMEOUT_MS = 120_000;

describe('migrations follow the connectors chosen', () => {
  it('gives refunds the simulated gateway schema only in simulated mode, and the store-credit ledger always', () => {
    expect(schemasOf(serviceMigrations('refunds', { mode: 'simulated' }))).toEqual(['refunds', 'erp', 'erp_limiter', 'payments_sim', 'store_credit']);
    expect(schemasOf(serviceMigrations('refunds', { mode: 'providers' }))).toEqual(['refunds', 'erp', 'erp_limiter', 'store_credit']);
  });

  it('gives refunds the Adyen report index whenever Adyen is one of the providers', () => {
    expect(schemasOf(serviceMigrations('refunds', { mode: 'adyen' }))).toEqual(['refunds', 'erp', 'erp_limiter', 'store_credit', 'adyen']);
    expect(schemasOf(serviceMigrations('refunds', { mode: 'stripe,adyen' }))).toEqual(['refunds', 'erp', 'erp_limiter', 'store_credit', 'adyen']);
    // PaymentsSettings as app/connectors.ts builds it: the providers' list decides.
    const providers = [{ provider: 'stripe' }, { provider: 'adyen' }];
    expect(schemasOf(serviceMigrations('refunds', { mode: 'providers', providers }))).toEqual(['refunds', 'erp', 'erp_limiter', 'store_credit', 'adyen']);
    expect(schemasOf(serviceMigrations('inventory', { mode: 'adyen' }))).toEqual(['inventory', 'erp', 'erp_limiter']);
    expect(schemasOf(graphMigrations({ mode: 'stripe' }))).not.toContain('adyen');
    expect(schemasOf(graphMigrations({ mode: 'adyen,stripe' }))).toContain('adyen');
  });

  it('gives inventory the reference ERP and its limiter, and orders nothing but its own schema, in either mode', () => {
    for (const mode of ['simulated', 'providers'] as const) {
      expect(schemasOf(serviceMigrations('inventory', { mode }))).toEqual(['inventory', 'erp', 'erp_limiter']);
      expect(schemasOf(serviceMigrations('orders', { mode }))).toEqual(['orders']);
      expect(schemasOf(serviceMigrations('returns', { mode }))).toEqual(['returns']);
    }
  });

  it('migrates the whole graph without the simulated gateway in provider mode', () => {
    expect(schemasOf(graphMigrations({ mode: 'providers' }))).toEqual([
      'registry',
      'orders',
      'returns',
      'inventory',
      'refunds',
      'erp',
      'store_credit',
      'erp_limiter',
    ]);
    expect(schemasOf(graphMigrations({ mode: 'simulated' }))).toContain('payments_sim');
  });

  it(
    'leaves no payments_sim schema in a database the refunds service migrated in provider mode',
    async () => {
      const db = await openTestPglite();
      try {
        await migrate(db, serviceMigrations('refunds', { mode: 'providers' }));
        const { rows } = await db.query<{ schema_name: string }>(
          `SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('refunds', 'erp', 'payments_sim', 'store_credit') ORDER BY schema_name`,
        );
        expect(rows.map((row) => row.schema_name)).toEqual(['erp', 'refunds', 'store_credit']);
      } finally {
        await db.close();
      }
    },
    PGLITE_MIGRATION_TIMEOUT_MS,
  );

  it(
    'creates the Adyen report table when the refunds service migrates with Adyen',
    async () => {
      const db = await openTestPglite();
      try {
        await migrate(db, serviceMigrations('refunds', { mode: 'adyen' }));
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM adyen.reports`);
        expect(rows[0]?.n).toBe(0);
      } finally {
        await db.close();
      }
    },
    PGLITE_MIGRATION_TIMEOUT_MS,
  );
});
