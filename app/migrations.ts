import { join } from 'node:path';
import type { MigrationSet } from '../platform/db';

const root = join(__dirname, '..');
/** The reliable write path's tables (idempotency keys, outbox, inbox, retries, dead letters, audit), created in every subgraph's schema. */
const WRITE_PATH = join(root, 'platform/write-path/migrations');

/**
 * Every service's schema and migrations folder, in the order they are applied. Each service owns
 * its schema; no migration touches another's tables.
 */
export const ALL_MIGRATIONS: readonly MigrationSet[] = [
  { schema: 'registry', dir: join(root, 'schema-registry/migrations') },
  { schema: 'orders', dir: [join(root, 'subgraphs/orders/migrations'), WRITE_PATH] },
  { schema: 'returns', dir: [join(root, 'subgraphs/returns/migrations'), WRITE_PATH] },
  { schema: 'inventory', dir: [join(root, 'subgraphs/inventory/migrations'), WRITE_PATH] },
  { schema: 'refunds', dir: [join(root, 'subgraphs/refunds/migrations'), WRITE_PATH] },
  // The reference ERP (embedded default's system of record); a real ERP keeps its own database.
  { schema: 'erp', dir: join(root, 'connectors/erp/reference/migrations') },
  { schema: 'payments_sim', dir: join(root, 'connectors/payments/simulated/migrations') },
];

/** The migration set of one schema. */
export function migrationsOf(schema: string): MigrationSet {
  const set = ALL_MIGRATIONS.find((candidate) => candidate.schema === schema);
  if (!set) throw new Error(`No migrations for schema "${schema}"; known: ${ALL_MIGRATIONS.map((s) => s.schema).join(', ')}`);
  return set;
}

/**
 * The schemas one production service migrates at start: its own, plus the embedded stand-ins of
 * outside systems it talks to while no real connector is configured (the reference ERP for
 * inventory and refunds, the simulated payment gateway for refunds).
 */
export function serviceMigrations(service: string): MigrationSet[] {
  const extra: Record<string, string[]> = { inventory: ['erp'], refunds: ['erp', 'payments_sim'] };
  return [service, ...(extra[service] ?? [])].map(migrationsOf);
}
