import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { concatAST, Kind, parse, print, type DocumentNode } from 'graphql';
import type { Db } from './db';
import { guardRootFields, INTERNAL_PRINCIPAL_HEADER, type InternalTokens, type Principal } from './auth';
import { runInScope } from './context';
import { inSubgraphSpan } from './telemetry/spans';
import { componentLogger } from './logger';
import { Messages, unauthenticated } from './graphql/errors';
import { maskErrors } from './graphql/masking';
import { DATABASE_FAILURES } from './graphql/database-failures';
import { apolloHandler, sendJson } from './http/apollo-handler';
import { listen, router, type Route, type RunningServer } from './http/server';
import { headerValue } from './http/headers';
import { acceptCorrelationId, CORRELATION_HEADER } from './correlation';
import { WritePath } from './write-path/write-path';
import type { EventPipeline } from './events/pipeline';
import type { ConsumerDefinition } from './events/consumer';
import type { StreamDeclaration } from './events/streams';
import { eventOpsResolvers, eventOpsTypeDefs } from './events/ops-schema';
import { deadLetterSource, exceptionCountsField, exceptionCountsResolvers, exceptionResolvers, exceptionTypeDefs } from './operations/exceptions-schema';
import type { ExceptionSource } from './operations/exceptions';
import { startIdempotencyReaper } from './idempotency/reaper';
import { startEventLogPruner } from './events/update-log';
import { COMMON_TYPE_DEFS } from './graphql/common-types';
import { TRACE_HOP_TYPE_DEFS } from './operations/trace-schema';
import { readLimits } from './graphql/input-limits';
import { metricsRoute } from './metrics';
import { useInputLimits } from './graphql/input-limits-plugin';

/**
 * A subgraph's resolver map: type name to field resolvers (plus `__resolveReference`), or a
 * scalar. Kept loose on purpose; each subgraph types its own resolver functions.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResolverMap = Record<string, any>;

/** What every resolver of every subgraph receives. */
export interface SubgraphContext<TLoaders = unknown> {
  db: Db;
  principal: Principal;
  correlationId: string;
  /** Per-request DataLoaders, so entity references in one query plan are fetched in batches. */
  loaders: TLoaders;
  /** Idempotency keys, effect and outbox events in one transaction, for every mutation. */
  writes: WritePath;
}

/**
 * One subgraph: its name, schema file, resolvers and per-request loaders, with its consumers,
 * workers and routes already bound to the connectors it was built with. Each subgraph's factory
 * (`refundsSubgraph({ db, payments, erp, settings })`) receives what it uses from `app/`, the
 * only composition root, so the database a definition was built over is the one `startSubgraph`
 * is given. Build one definition per running subgraph: its workers are instances, started and
 * stopped with that server.
 */
export interface SubgraphDefinition<TLoaders> {
  name: 'orders' | 'returns' | 'inventory' | 'refunds';
  /** The subgraph's SDL, as published to the schema registry. */
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  /** Builds fresh loaders for one request; loaders never outlive a request, so caches never go stale. */
  loaders(db: Db, principal: Principal): TLoaders;
  /** Event consumers this subgraph runs (their inbox, retries and dead letters live in its schema). */
  consumers?: readonly ConsumerDefinition[];
  /** Subscription streams it serves from its event log, published beside its SDL for the gateway; default none. */
  streams?: readonly StreamDeclaration[];
  /**
   * Background workers the subgraph runs beside its server (e.g. the refunds executor), started
   * with the event pipeline and stopped with the server.
   */
  workers?: readonly Worker[];
  /**
   * Extra HTTP routes on the subgraph's port (e.g. payment provider webhooks), by exact path. They
   * are not GraphQL and carry no internal principal: each route authenticates its caller itself.
   */
  routes?: Readonly<Record<string, Route>>;
  /**
   * Adds the common types (`platform/graphql/common-types.ts`: DateTime, CurrencyCode, Money,
   * PageInfo), the exceptions queue's types and contribution (`platform/operations/`) and the event pipeline's operations fields (`<name>EventPipeline`,
   * `replay<Name>DeadLetters`, which need the subgraph's own `UserError`); default true. Only
   * minimal test subgraphs turn them off.
   */
  eventOperations?: boolean;
  /**
   * Where the subgraph's exceptions other than dead letters live (`platform/operations/exceptions.ts`):
   * with the event operations, every subgraph contributes its dead letters and these to the
   * exceptions queue (`<name>Exceptions` on the `ExceptionConnection` entity). Default none.
   */
  exceptionSources?: readonly ExceptionSource[];
  /**
   * Every `Query` and `Mutation` field asks the capability table before its resolver runs, and a
   * root field the table does not know stops the subgraph at start (`guardRootFields`); default
   * true. Only test subgraphs whose root fields are not operations of the product turn it off.
   */
  capabilityChecks?: boolean;
}

/**
 * A subgraph's name and SDL alone: what the schema registry publishes and `subgraphSdl` prints,
 * available without building the subgraph's dependencies.
 */
export type SubgraphSchema = Pick<SubgraphDefinition<unknown>, 'name' | 'typeDefs'>;

/** A background worker: started once, stopped on shutdown. */
export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

/** The subgraph's resolvers with the event operations merged in and, unless turned off, every root field asking the capability table. */
function guarded(definition: SubgraphDefinition<unknown>): ResolverMap {
  const sources = [deadLetterSource(definition.name, definition.name), ...(definition.exceptionSources ?? [])];
  const resolvers =
    definition.eventOperations === false
      ? definition.resolvers
      : mergeResolvers(
          definition.resolvers,
          eventOpsResolvers(definition.name, definition.name),
          exceptionResolvers(definition.name, sources),
          // The KPIs' exception backlog: only where the subgraph's SDL declares its part on ReturnsKpis.
          declaresField(definition.typeDefs, 'ReturnsKpis', exceptionCountsField(definition.name)) ? exceptionCountsResolvers(definition.name, sources) : {},
        );
  return definition.capabilityChecks === false ? resolvers : guardRootFields(resolvers);
}

/** True when `typeDefs` define `type` (or extend it) with a field named `field`. */
function declaresField(typeDefs: DocumentNode, type: string, field: string): boolean {
  return typeDefs.definitions.some(
    (definition) =>
      (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      definition.name.value === type &&
      (definition.fields ?? []).some((candidate) => candidate.name.value === field),
  );
}

/** Reads and parses a `schema.graphql` file. */
export function loadTypeDefs(path: string): DocumentNode {
  return parse(readFileSync(path, 'utf8'));
}

/** The subgraph's whole schema: its own SDL plus the operations surface of its event pipeline. */
export function fullTypeDefs(definition: Pick<SubgraphDefinition<unknown>, 'typeDefs' | 'name' | 'eventOperations'>): DocumentNode {
  if (definition.eventOperations === false) return definition.typeDefs;
  return concatAST([definition.typeDefs, COMMON_TYPE_DEFS, eventOpsTypeDefs(definition.name), exceptionTypeDefs(definition.name), TRACE_HOP_TYPE_DEFS]);
}

/** The SDL text the registry stores for a subgraph. */
export function subgraphSdl(definition: Pick<SubgraphDefinition<unknown>, 'typeDefs' | 'name' | 'eventOperations'>): string {
  return print(fullTypeDefs(definition));
}

/** Merges resolver maps type by type (later maps add fields to earlier ones). */
function mergeResolvers(...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      const isPlainObject = fields && typeof fields === 'object' && Object.getPrototypeOf(fields) === Object.prototype;
      merged[type] = isPlainObject ? { ...(merged[type] ?? {}), ...fields } : fields;
    }
  }
  return merged;
}

/** Dependencies of a running subgraph. */
export interface SubgraphOptions {
  db: Db;
  /** Verifies the principal the gateway asserts; a subgraph answers nobody else. */
  internalTokens: InternalTokens;
  port: number;
  /** The address to listen on; default loopback (`DEFAULT_LISTEN_HOST`). */
  host?: string;
  /**
   * Shows stack traces and unmasked fault messages (SQL, constraint names): the explicit
   * development switch (`DEV_ERROR_DETAILS`). Default false in every run mode.
   */
  errorDetails?: boolean;
  /**
   * The process's event pipeline: the subgraph's outbox relay and consumers join it. Without one
   * (single-subgraph tests), outbox rows are written but not relayed.
   */
  pipeline?: EventPipeline;
}

/** A running subgraph server. */
export interface RunningSubgraph extends RunningServer {
  name: string;
  sdl: string;
  apollo: ApolloServer<SubgraphContext<unknown>>;
}

/**
 * Builds the Apollo Server of a subgraph (no HTTP); tests execute operations on it directly.
 * Every setting Apollo would otherwise derive from NODE_ENV is set here, so no run mode shows
 * more than `errorDetails` allows.
 */
export function buildSubgraphServer<TLoaders>(definition: SubgraphDefinition<TLoaders>, errorDetails = false) {
  const log = componentLogger(definition.name);
  const typeDefs = fullTypeDefs(definition);
  // Checked again here, not only at the gateway: services may call a subgraph directly.
  const limits = readLimits(typeDefs);
  return new ApolloServer<SubgraphContext<TLoaders>>({
    schema: buildSubgraphSchema([
      {
        typeDefs,
        // Every root field asks the capability table before its resolver runs.
        resolvers: guarded(definition) as never,
      },
    ]),
    includeStacktraceInErrorResponses: errorDetails,
    // A subgraph answers only the gateway, which answers introspection from the supergraph itself.
    introspection: false,
    // Federated traces are for Apollo's hosted studio and cache hints for a CDN; we use neither,
    // and both hook every field resolution (a 500-level availability answer has ~10,000 fields).
    // A landing page would advertise the subgraph to anyone who opens its URL in a browser.
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginLandingPageDisabled(),
      useInputLimits({ limits: () => limits, httpStatus: 200 }),
    ],
    formatError: maskErrors({ log, errorDetails, knownFailures: DATABASE_FAILURES }),
  });
}

/** Starts a subgraph on `options.port` with `/graphql`, `/healthz`, `/readyz` and `/metrics` (the process's registry). */
export async function startSubgraph<TLoaders>(definition: SubgraphDefinition<TLoaders>, options: SubgraphOptions): Promise<RunningSubgraph> {
  const apollo = buildSubgraphServer(definition, options.errorDetails);
  await apollo.start();
  const pipeline = options.pipeline;
  if (pipeline) {
    pipeline.addRelay(definition.name);
    for (const consumer of definition.consumers ?? []) await pipeline.addConsumer(consumer);
  }
  const writes = new WritePath(options.db, definition.name, () => pipeline?.wake(definition.name));
  const stopReaper = startIdempotencyReaper(options.db, definition.name);
  const stopPruner = startEventLogPruner(options.db, definition.name);
  // Workers act on the pipeline's world (they pay refunds, post memos): only with a pipeline.
  const workers = pipeline ? (definition.workers ?? []) : [];
  for (const worker of workers) worker.start();
  const graphql = apolloHandler(apollo, (req) => subgraphContext(definition, options, writes, req));
  const running = await listen(
    router({
      '/graphql': (req, res) => {
        const correlationId = headerValue(req, CORRELATION_HEADER) ?? randomUUID();
        res.setHeader(CORRELATION_HEADER, correlationId);
        return runInScope({ correlationId }, () => inSubgraphSpan(definition.name, req.headers, () => graphql(req, res)));
      },
      ...inRequestScopes(definition.routes),
      '/healthz': (_req, res) => sendJson(res, 200, { status: 'ok', service: definition.name }),
      '/metrics': metricsRoute,
      '/readyz': async (_req, res) => {
        try {
          await options.db.ping();
          sendJson(res, 200, { status: 'ready', service: definition.name });
        } catch {
          sendJson(res, 503, { status: 'unavailable', service: definition.name, reason: 'database' });
        }
      },
    }),
    options.port,
    options.host,
  );
  const close = running.close;
  return {
    ...running,
    name: definition.name,
    sdl: subgraphSdl(definition),
    apollo: apollo as unknown as ApolloServer<SubgraphContext<unknown>>,
    async close() {
      stopReaper();
      stopPruner();
      for (const worker of workers) await worker.stop();
      await close();
      await apollo.stop();
    },
  };
}

/**
 * Extra routes (provider and platform webhooks) run in a request scope of their own, so what they
 * log and the events they append carry a correlation id (the caller's `x-correlation-id` when
 * acceptable, else a fresh one) instead of none.
 */
function inRequestScopes(routes: Readonly<Record<string, Route>> | undefined): Record<string, Route> {
  return Object.fromEntries(
    Object.entries(routes ?? {}).map(([path, route]): [string, Route] => [
      path,
      (req, res) => runInScope({ correlationId: acceptCorrelationId(headerValue(req, CORRELATION_HEADER)) ?? randomUUID() }, () => route(req, res)),
    ]),
  );
}

async function subgraphContext<TLoaders>(
  definition: SubgraphDefinition<TLoaders>,
  options: SubgraphOptions,
  writes: WritePath,
  req: IncomingMessage,
): Promise<SubgraphContext<TLoaders>> {
  const token = headerValue(req, INTERNAL_PRINCIPAL_HEADER);
  if (!token) throw unauthenticated(Messages.internalPrincipalMissing);
  let principal: Principal;
  try {
    principal = await options.internalTokens.verify(token);
  } catch {
    throw unauthenticated(Messages.internalPrincipalMissing);
  }
  const correlationId = headerValue(req, CORRELATION_HEADER) ?? randomUUID();
  return { db: options.db, principal, correlationId, loaders: definition.loaders(options.db, principal), writes };
}
