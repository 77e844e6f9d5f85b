import { join } from 'node:path';
import type { MigrationSet } from '../platform/db';
import { connectorSchemas, type PaymentsChoice } from './connectors';

const root = join(__dirname, '..');
/** The reliable write path's tables (idempotency keys, outbox, inbox, retries, dead letters, audit), created in every subgraph's schema. */
const WRITE_PATH = join(root, 'platform/write-path/migrations');

/** Each service's own schema, in the order they are applied; no migration touches another's tables. */
const SERVICE_MIGRATIONS: readonly MigrationSet[] = [
  { schema: 'registry', dir: join(root, 'schema-registry/migrations') },
  { schema: 'orders', dir: [join(root, 'subgraphs/orders/migrations'), WRITE_PATH] },
  { schema: 'returns', dir: [join(root, 'subgraphs/returns/migrations'), WRITE_PATH] },
  { schema: 'inventory', dir: [join(root, 'subgraphs/inventory/migrations'), WRITE_PATH] },
  { schema: 'refunds', dir: [join(root, 'subgraphs/refunds/migrations'), WRITE_PATH] },
];

/** Embedded stand-ins of outside systems, each in its own schema; a real ERP or provider keeps its own state. */
const STAND_IN_MIGRATIONS: readonly MigrationSet[] = [
  // The reference ERP (embedded default's system of record).
  { schema: 'erp', dir: join(root, 'connectors/erp/reference/migrations') },
  { schema: 'payments_sim', dir: join(root, 'connectors/payments/simulated/migrations') },
  // The built-in store-credit ledger: not a stand-in but our own provider, always on for refunds.
  { schema: 'store_credit', dir: join(root, 'connectors/payments/store-credit/migrations') },
  // The ERP limiter every instance posting to the ERP shares (rate and concurrency per ERP account).
  { schema: 'erp_limiter', dir: join(root, 'connectors/erp/limiter/migrations') },
  // The reference shop (commerce source `demo`).
  { schema: 'commerce_ref', dir: join(root, 'connectors/commerce/reference/migrations') },
];

/**
 * Connectors' own state in our database, each in its own schema no subgraph reads: what a real
 * provider tells us once and will not tell again.
 */
const CONNECTOR_MIGRATIONS: readonly MigrationSet[] = [
  // The Adyen report names announced by REPORT_AVAILABLE notifications (AdyenReportIndex).
  { schema: 'adyen', dir: join(root, 'connectors/payments/adyen/migrations') },
];

/**
 * Every schema any configuration may need: the tests' template database and the benches take all
 * of it; a running graph takes only what its connectors use (`graphMigrations`, `serviceMigrations`).
 */
export const ALL_MIGRATIONS: readonly MigrationSet[] = [...SERVICE_MIGRATIONS, ...STAND_IN_MIGRATIONS, ...CONNECTOR_MIGRATIONS];

/** The migration set of one schema. */
export function migrationsOf(schema: string): MigrationSet {
  const set = ALL_MIGRATIONS.find((candidate) => candidate.schema === schema);
  if (!set) throw new Error(`No migrations for schema "${schema}"; known: ${ALL_MIGRATIONS.map((s) => s.schema).join(', ')}`);
  return set;
}

/**
 * The schemas one production service migrates at start: its own, plus what its chosen connectors
 * keep in our database (`connectorSchemas`: the reference ERP for inventory and refunds, the
 * simulated payment gateway for refunds only in simulated mode, the Adyen report index for
 * refunds when Adyen is a provider).
 */
export function serviceMigrations(service: string, payments: PaymentsChoice): MigrationSet[] {
  return [service, ...(connectorSchemas(payments)[service] ?? [])].map(migrationsOf);
}

/**
 * The schemas one process running the whole graph migrates (the embedded default): every
 * service's own and the stand-ins its chosen connectors use.
 */
export function graphMigrations(payments: PaymentsChoice): MigrationSet[] {
  const used = new Set(Object.values(connectorSchemas(payments)).flat());
  return [...SERVICE_MIGRATIONS, ...[...STAND_IN_MIGRATIONS, ...CONNECTOR_MIGRATIONS].filter((set) => used.has(set.schema))];
}
