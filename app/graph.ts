import type { Db } from '../platform/db';
import type { InternalTokens, TokenVerifier } from '../platform/auth';
import { startSubgraph, subgraphSdl, type RunningSubgraph } from '../platform/subgraph';
import { componentLogger } from '../platform/logger';
import type { RunningServer } from '../platform/http/server';
import { SchemaRegistry, startRegistry } from '../schema-registry';
import { startGateway, type RunningGateway } from '../gateway';
import { allSubgraphs, defaultSubgraphSettings, graphConnectors, type SubgraphName, type SubgraphSettings } from './subgraphs';
import { EventPipeline } from '../platform/events/pipeline';
import { InProcessBus } from '../platform/events/in-process-bus';
import type { EventBus } from '../platform/events/bus';
import { InProcessFanout, type UpdateFanout } from '../platform/events/fanout';
import type { Exposure } from './config';
import type { GatewayHopOptions } from './config-gateway';
import { consumerDrillFromNow } from './drills';
import type { CommerceConnector } from '../connectors/commerce/port';
import { opsConsoleRoutes } from './ops-console';
import type { AdmissionLimits } from '../gateway/admission';

const log = componentLogger('graph');

/** Ports of one whole graph; 0 picks free ones (tests). */
export interface GraphPorts {
  gateway: number;
  registry: number;
  subgraphs: Record<SubgraphName, number>;
}

/** What one process running the whole graph needs. */
export interface GraphOptions {
  /** One database for every service (each owns its schema in it). */
  db: Db;
  ports: GraphPorts;
  verifier: TokenVerifier;
  internalTokens: InternalTokens;
  registryToken: string;
  /** How often the gateway polls the registry. */
  pollIntervalMs?: number;
  /** What errors and the schema show to clients; default masked, introspection for staff. */
  exposure?: Partial<Exposure>;
  /** How the gateway fetches from subgraphs (`GATEWAY_MERGE_FETCHES`); default merging on. */
  gatewayHop?: Partial<GatewayHopOptions>;
  /** The host subgraphs publish as their routing URL. */
  host?: string;
  /** The address every server listens on (`HOST`); default loopback. */
  listenHost?: string;
  /** The subgraphs' settings (validated by app/config.ts); default the defaults of every setting. */
  settings?: SubgraphSettings;
  /** The commerce platforms' connectors; default those `settings.commerce` configures (tests pass the reference shop). */
  commerce?: readonly CommerceConnector[];
  /** The event bus; default in-process (the embedded default). */
  bus?: EventBus;
  /** Broadcast of published events to the gateway's subscriptions; default in-process. */
  fanout?: UpdateFanout;
  /** The gateway's admission limits (`GATEWAY_MAX_IN_FLIGHT`, ...); default `DEFAULT_ADMISSION_LIMITS`. */
  admission?: AdmissionLimits;
}

/** A running graph: every service, and how to stop them in reverse order. */
export interface RunningGraph {
  gateway: RunningGateway;
  registry: RunningServer;
  subgraphs: RunningSubgraph[];
  /** Outbox relays and consumers of every subgraph, over one bus. */
  events: EventPipeline;
  close(): Promise<void>;
}

/**
 * Starts the registry, every subgraph (each publishing its SDL to the registry) and the gateway,
 * in one process: the embedded default and the end-to-end tests. Production runs the same pieces
 * one per process (app/service.ts).
 */
export async function startGraph(options: GraphOptions): Promise<RunningGraph> {
  const host = options.host ?? '127.0.0.1';
  const registry = await startRegistry({ db: options.db, port: options.ports.registry, host: options.listenHost, publishToken: options.registryToken });
  const fanout = options.fanout ?? new InProcessFanout();
  const settings = options.settings ?? defaultSubgraphSettings();
  const events = new EventPipeline(options.db, options.bus ?? new InProcessBus(), fanout, consumerDrillFromNow(settings.drills));
  const subgraphs: RunningSubgraph[] = [];
  const definitions = allSubgraphs({ db: options.db, connectors: graphConnectors(options.db, settings, options.commerce), settings });
  for (const definition of definitions) {
    subgraphs.push(
      await startSubgraph(definition, {
        db: options.db,
        internalTokens: options.internalTokens,
        port: options.ports.subgraphs[definition.name],
        host: options.listenHost,
        errorDetails: options.exposure?.errorDetails,
        pipeline: events,
      }),
    );
  }
  // Every subgraph in one publish, straight to the registry's store (this process holds it): one
  // composition and one supergraph, where publishing one by one composed four times. Production
  // processes publish each their own subgraph over the registry's HTTP API (app/publish.ts).
  const results = await new SchemaRegistry(options.db).publishAll(
    definitions.map((definition, index) => ({
      name: definition.name,
      url: `http://${host}:${subgraphs[index]?.port}/graphql`,
      sdl: subgraphSdl(definition),
      metadata: { streams: [...(definition.streams ?? [])] },
      publishedBy: 'embedded',
    })),
  );
  results.forEach((result, index) => {
    const name = definitions[index]?.name;
    if (result.status === 'REJECTED') throw new Error(`The registry refused subgraph ${name}: ${JSON.stringify(result)}`);
    log.info({ subgraph: name, port: subgraphs[index]?.port, status: result.status }, 'subgraph published');
  });
  const gateway = await startGateway({
    registryUrl: registry.url,
    registryToken: options.registryToken,
    port: options.ports.gateway,
    host: options.listenHost,
    verifier: options.verifier,
    internalTokens: options.internalTokens,
    pollIntervalMs: options.pollIntervalMs,
    dbPing: () => options.db.ping(),
    errorDetails: options.exposure?.errorDetails,
    introspection: options.exposure?.introspection,
    mergeFetches: options.gatewayHop?.mergeFetches,
    fanout,
    admission: options.admission,
    // The operations console at /ops (app/ops-console.ts), served by the gateway in the embedded default too.
    extraRoutes: opsConsoleRoutes(),
  });
  await gateway.ready;
  await events.start();
  return {
    gateway,
    registry,
    subgraphs,
    events,
    async close() {
      await gateway.close();
      for (const subgraph of subgraphs.reverse()) await subgraph.close();
      await events.stop();
      await fanout.close();
      await registry.close();
    },
  };
}
