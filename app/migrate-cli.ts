import { PostgresDb, migrate, type MigrationSet } from '../platform/db';
import { componentLogger, setLogLevel } from '../platform/logger';
import { runCli } from './cli';
import { loadConfig, required, SERVICES } from './config';
import type { PaymentsChoice } from './connectors';
import { serviceMigrations } from './migrations';

const log = componentLogger('migrate');

/**
 * Every schema the production services migrate at start, each once, in start order (registry
 * first): what the Kubernetes migration Job and compose's `migrate` service apply before a rollout.
 */
export function deploymentMigrations(payments: PaymentsChoice): MigrationSet[] {
  const seen = new Set<string>();
  const sets: MigrationSet[] = [];
  for (const service of SERVICES) {
    if (service === 'gateway') continue;
    for (const set of serviceMigrations(service, payments)) {
      if (seen.has(set.schema)) continue;
      seen.add(set.schema);
      sets.push(set);
    }
  }
  return sets;
}

/**
 * `npm run migrate` / `node dist/app/migrate-cli.js`: applies every service's migrations to
 * `DATABASE_URL` and exits. Services still migrate their own schema at start (a no-op once this
 * ran; node-pg-migrate's advisory lock serialises concurrent runs), so running it is optional
 * for one instance and recommended before rolling out many: no replica waits on another's lock.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  setLogLevel(config.LOG_LEVEL);
  const url = required(config.DATABASE_URL, 'DATABASE_URL', 'migrations run against the production PostgreSQL');
  const db = new PostgresDb({ connectionString: url, applicationName: 'returns-graph-migrate' });
  try {
    const sets = deploymentMigrations({ mode: config.PAYMENTS_MODE });
    await migrate(db, sets);
    log.info({ schemas: sets.map((set) => set.schema) }, 'migrations applied');
    process.stdout.write(`migrated ${sets.map((set) => set.schema).join(', ')}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

if (require.main === module) runCli(run);
