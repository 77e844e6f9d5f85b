// First: starts tracing (when configured) before http, pg and undici load.
import { processTracing } from './telemetry';
import { randomBytes } from 'node:crypto';
import { PgliteDb, migrate, type Db } from '../platform/db';
import { openPgliteSnapshot } from '../platform/db/pglite-snapshot';
import { ClientTokenVerifier, InternalTokens, signClientToken } from '../platform/auth';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';
import { componentLogger, setLogLevel } from '../platform/logger';
import { exposureOf, loadConfig, type Exposure } from './config';
import { gatewayHopOf, type GatewayHopOptions } from './config-gateway';
import { graphMigrations } from './migrations';
import { seedDemo } from './demo';
import { settleDemoEvents } from './demo-events';
import { embeddedSnapshotKey } from './embedded-snapshot';
import { startGraph, type GraphPorts, type RunningGraph } from './graph';
import { defaultSubgraphSettings, subgraphSettings, type SubgraphSettings } from './subgraphs';
import { announceDrills, drillSettings } from './drills';
import { admissionLimits } from './config-gateway-admission';
import type { AdmissionLimits } from '../gateway/admission';

const log = componentLogger('embedded');

/** The embedded graph and its database. */
export interface EmbeddedGraph extends RunningGraph {
  db: Db;
}

/** Options of `startEmbedded`. */
export interface EmbeddedOptions {
  ports: GraphPorts;
  /** PGlite data folder; omitted means in memory. */
  dataDir?: string;
  /**
   * In memory without a cache: opens the empty database that is then migrated and seeded; default
   * `PgliteDb.open()`, a whole initdb. Tests start it from a tarball of an empty database instead.
   */
  openEmpty?: () => Promise<PgliteDb>;
  /**
   * In memory only: the folder of a snapshot of the migrated, seeded database, loaded instead of
   * building it when current and kept for the next start (`EMBEDDED_CACHE_DIR`); omitted means no cache.
   */
  cacheDir?: string;
  /** Folder of the local signing key (`npm run token` reads the same). */
  keysDir?: string;
  pollIntervalMs?: number;
  /** The address every server listens on (`HOST`); default loopback. */
  listenHost?: string;
  /** The host subgraphs publish in their routing URL (`PUBLIC_HOST`); default loopback. */
  publicHost?: string;
  /** The subgraphs' settings; default the defaults of every setting. */
  settings?: SubgraphSettings;
  /** What errors and the schema show to clients; default masked, introspection for staff, as in production. */
  exposure?: Partial<Exposure>;
  /** How the gateway fetches from subgraphs (`GATEWAY_MERGE_FETCHES`); default merging on. */
  gatewayHop?: Partial<GatewayHopOptions>;
  /** The gateway's admission limits; default `DEFAULT_ADMISSION_LIMITS`. */
  admission?: AdmissionLimits;
}

/**
 * The embedded default in one process: PGlite in memory (or a folder), migrations, demo data, the
 * registry, the four subgraphs and the gateway. Secrets between services are generated per start;
 * the client-token signing key persists in `.data/` so tokens from `npm run token` keep working.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedGraph> {
  const settings = options.settings ?? defaultSubgraphSettings();
  const db = await openDatabase(options, settings);
  const keys = await loadOrCreateDevKeys(options.keysDir);
  const graph = await startGraph({
    db,
    ports: options.ports,
    verifier: await ClientTokenVerifier.fromPublicJwk(keys.publicJwk),
    internalTokens: new InternalTokens(randomBytes(32).toString('base64url')),
    registryToken: randomBytes(24).toString('base64url'),
    pollIntervalMs: options.pollIntervalMs,
    listenHost: options.listenHost,
    host: options.publicHost,
    settings,
    exposure: options.exposure,
    gatewayHop: options.gatewayHop,
    admission: options.admission,
  });
  return {
    ...graph,
    db,
    async close() {
      await graph.close();
      await db.close();
    },
  };
}

/** The migrated, seeded database: from the snapshot cache when in memory with a cache folder, else built here. */
async function openDatabase(options: EmbeddedOptions, settings: SubgraphSettings): Promise<PgliteDb> {
  const migrations = graphMigrations(settings.payments);
  const build = async (db: PgliteDb) => {
    await migrate(db, migrations);
    await seedDemo(db);
    await settleDemoEvents(db, settings);
  };
  if (options.cacheDir && !options.dataDir) {
    const opened = await openPgliteSnapshot({
      cacheDir: options.cacheDir,
      key: embeddedSnapshotKey(migrations),
      build,
      warn: (message, error) => log.warn({ err: error }, message),
    });
    log.info({ source: opened.source, cacheDir: options.cacheDir }, 'embedded database opened');
    return opened.db;
  }
  const openEmpty = options.openEmpty ?? (() => PgliteDb.open());
  const db = options.dataDir ? await PgliteDb.open({ dataDir: options.dataDir }) : await openEmpty();
  try {
    await build(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  setLogLevel(config.LOG_LEVEL);
  announceDrills(drillSettings(config), config);
  const graph = await startEmbedded({
    ports: {
      gateway: config.PORT,
      registry: config.REGISTRY_PORT,
      subgraphs: { orders: config.ORDERS_PORT, returns: config.RETURNS_PORT, inventory: config.INVENTORY_PORT, refunds: config.REFUNDS_PORT },
    },
    dataDir: config.PGLITE_DATA_DIR,
    cacheDir: config.EMBEDDED_SNAPSHOT === 'true' ? config.EMBEDDED_CACHE_DIR : undefined,
    pollIntervalMs: config.SUPERGRAPH_POLL_MS,
    listenHost: config.HOST,
    publicHost: config.PUBLIC_HOST,
    settings: subgraphSettings(config),
    exposure: exposureOf(config),
    gatewayHop: gatewayHopOf(config),
    admission: admissionLimits(config),
  });
  const keys = await loadOrCreateDevKeys();
  const opsToken = await signClientToken({ subject: 'demo:ops', roles: ['operations_admin'], storeIds: [] }, keys.privateJwk);
  const customerToken = await signClientToken(
    { subject: 'demo:cus_demo_0001', roles: ['customer'], customerId: 'cus_demo_0001', storeIds: [] },
    keys.privateJwk,
  );
  const url = `${graph.gateway.url}/graphql`;
  process.stdout.write(banner(url, Date.now() - started, opsToken, customerToken));
  const stop = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    await graph.close();
    await processTracing.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

function banner(url: string, elapsedMs: number, opsToken: string, customerToken: string): string {
  const query =
    '{ orderByNumber(number: \\"R100001\\") { number channel totals { total { amount currencyCode } } lines { sku quantity inventoryItem { availability { location { name } availableToSell } } } returns { id status } refunds { id status } } }';
  return `
Returns Graph is running (embedded default: PGlite in memory, in-process bus, demo data) in ${(elapsedMs / 1000).toFixed(1)} s.

  GraphQL:   ${url}
  Health:    ${url.replace('/graphql', '/healthz')}   Ready: ${url.replace('/graphql', '/readyz')}
  Console:   ${url.replace('/graphql', '/ops')}   (sign in with the operations_admin token below)

Demo tokens (valid 12 hours; mint others with: npm run -s token -- <role>):
  operations_admin:       ${opsToken}
  customer cus_demo_0001: ${customerToken}

Try, in another terminal:
  TOKEN=$(npm run -s token -- operations_admin)
  curl -s ${url} -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\
    -d '{"query":"${query}"}'

Ctrl-C stops everything.
`;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    log.fatal({ err: error }, 'embedded graph failed to start');
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
