// First: starts tracing (when configured) before http, pg and undici load.
import { processTracing } from './telemetry';
import { PostgresDb, migrate } from '../platform/db';
import { InternalTokens } from '../platform/auth';
import { startSubgraph, subgraphSdl } from '../platform/subgraph';
import { componentLogger, setLogLevel } from '../platform/logger';
import { RegistryClient, startRegistry } from '../schema-registry';
import { startGateway } from '../gateway';
import { exposureOf, loadConfig, required, SERVICES, type Config, type Service } from './config';
import { gatewayHopOf } from './config-gateway';
import { migrationsOf, serviceMigrations } from './migrations';
import { buildConnectors } from './connectors';
import { clientTokenVerifier } from './identity';
import { publishWhenPeersArrive } from './publish';
import { announceDrills, consumerDrillFromNow } from './drills';
import { commerceConnectors } from './commerce';
import { subgraphNamed, subgraphSettings, type SubgraphName } from './subgraphs';
import { EventPipeline } from '../platform/events/pipeline';
import { RedisBus } from '../platform/events/redis-bus';
import { RedisFanout } from '../platform/events/fanout';
import { opsConsoleRoutes } from './ops-console';
import { admissionLimits } from './config-gateway-admission';

const log = componentLogger('service');

/**
 * Production mode: `npm run start:service -- <service>` runs one service in this process against
 * PostgreSQL (`DATABASE_URL`); run as many instances of each as load needs.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  setLogLevel(config.LOG_LEVEL);
  // The service comes from the command line; RG_SERVICE is an alternative for process managers.
  const name = (process.argv[2] ?? config.RG_SERVICE) as Service | undefined;
  if (!name || !SERVICES.includes(name)) {
    throw new Error(`usage: npm run start:service -- <${SERVICES.join('|')}>, but got: ${String(name)}`);
  }
  const stop = name === 'gateway' ? await runGateway(config) : name === 'registry' ? await runRegistry(config) : await runSubgraph(name, config);
  const shutdown = async (signal: string) => {
    log.info({ service: name, signal }, 'shutting down');
    await stop();
    await processTracing.shutdown();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

function database(config: Config, service: string): PostgresDb {
  const url = required(config.DATABASE_URL, 'DATABASE_URL', 'production services keep their state in PostgreSQL');
  return new PostgresDb({ connectionString: url, applicationName: `returns-graph-${service}` });
}

function internalTokens(config: Config): InternalTokens {
  return new InternalTokens(required(config.INTERNAL_TOKEN_SECRET, 'INTERNAL_TOKEN_SECRET', 'the gateway and subgraphs sign and verify the caller with it'));
}

async function runRegistry(config: Config): Promise<() => Promise<void>> {
  const db = database(config, 'registry');
  await migrate(db, [migrationsOf('registry')]);
  const token = required(config.REGISTRY_TOKEN, 'REGISTRY_TOKEN', 'publishers authenticate with it');
  const server = await startRegistry({ db, port: config.REGISTRY_PORT, host: config.HOST, publishToken: token });
  log.info({ url: server.url }, 'registry listening');
  return async () => {
    await server.close();
    await db.close();
  };
}

async function runSubgraph(name: SubgraphName, config: Config): Promise<() => Promise<void>> {
  const settings = subgraphSettings(config);
  if (settings.drills) announceDrills(settings.drills, config);
  const db = database(config, name);
  await migrate(db, serviceMigrations(name, settings.payments));
  const definition = subgraphNamed(name, {
    db,
    connectors: buildConnectors(db, settings.payments, commerceConnectors(settings.commerce), settings.erp, settings.drills),
    settings,
  });
  const ports: Record<SubgraphName, number> = {
    orders: config.ORDERS_PORT,
    returns: config.RETURNS_PORT,
    inventory: config.INVENTORY_PORT,
    refunds: config.REFUNDS_PORT,
  };
  const bus = new RedisBus({
    url: required(config.REDIS_URL, 'REDIS_URL', 'production subgraphs exchange events through Redis streams'),
    prefix: config.REDIS_PREFIX,
  });
  const pipeline = new EventPipeline(
    db,
    bus,
    new RedisFanout({ url: config.REDIS_URL as string, prefix: config.REDIS_PREFIX }),
    consumerDrillFromNow(settings.drills),
  );
  const server = await startSubgraph(definition, {
    db,
    internalTokens: internalTokens(config),
    port: ports[name],
    host: config.HOST,
    errorDetails: exposureOf(config).errorDetails,
    pipeline,
  });
  await pipeline.start();
  const registry = new RegistryClient({
    baseUrl: required(config.REGISTRY_URL, 'REGISTRY_URL', 'subgraphs publish their schema to the registry at start'),
    publishToken: required(config.REGISTRY_TOKEN, 'REGISTRY_TOKEN', 'subgraphs publish their schema to the registry at start'),
    publishedBy: `${name}@${process.pid}`,
  });
  const result = await publishWhenPeersArrive(name, () =>
    registry.publish(name, `http://${config.PUBLIC_HOST}:${server.port}/graphql`, subgraphSdl(definition), { streams: definition.streams ?? [] }),
  );
  log.info({ subgraph: name, url: server.url, publish: result.status }, 'subgraph listening');
  return async () => {
    await server.close();
    await pipeline.stop();
    await db.close();
  };
}

async function runGateway(config: Config): Promise<() => Promise<void>> {
  const gateway = await startGateway({
    registryUrl: required(config.REGISTRY_URL, 'REGISTRY_URL', 'the gateway loads the supergraph from the registry'),
    registryToken: required(config.REGISTRY_TOKEN, 'REGISTRY_TOKEN', 'the registry answers supergraph reads only with it'),
    port: config.PORT,
    host: config.HOST,
    verifier: await clientTokenVerifier(config),
    internalTokens: internalTokens(config),
    pollIntervalMs: config.SUPERGRAPH_POLL_MS,
    ...exposureOf(config),
    ...gatewayHopOf(config),
    admission: admissionLimits(config),
    fanout: new RedisFanout({
      url: required(config.REDIS_URL, 'REDIS_URL', 'gateway instances receive subscription updates through Redis pub/sub'),
      prefix: config.REDIS_PREFIX,
    }),
    // The operations console at /ops, on every gateway instance (app/ops-console.ts).
    extraRoutes: opsConsoleRoutes(),
  });
  log.info({ url: gateway.url }, 'gateway listening');
  return () => gateway.close();
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'service failed to start');
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
