import { join } from 'node:path';
import type { MigrationSet } from '../platform/db';

const root = join(__dirname, '..');

/**
 * Every service's schema and migrations folder, in the order they are applied. Each service owns
 * its schema; no migration touches another's tables.
 */
export const ALL_MIGRATIONS: readonly MigrationSet[] = [
  { schema: 'registry', dir: join(root, 'schema-registry/migrations') },
  { schema: 'orders', dir: join(root, 'subgraphs/orders/migrations') },
  { schema: 'returns', dir: join(root, 'subgraphs/returns/migrations') },
  { schema: 'inventory', dir: join(root, 'subgraphs/inventory/migrations') },
  { schema: 'refunds', dir: join(root, 'subgraphs/refunds/migrations') },
];

/** The migration set of one schema. */
export function migrationsOf(schema: string): MigrationSet {
  const set = ALL_MIGRATIONS.find((candidate) => candidate.schema === schema);
  if (!set) throw new Error(`No migrations for schema "${schema}"; known: ${ALL_MIGRATIONS.map((s) => s.schema).join(', ')}`);
  return set;
}
