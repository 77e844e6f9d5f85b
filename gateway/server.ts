import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import type { Logger } from 'pino';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { claimsFromPrincipal, type InternalTokens, type Principal, type TokenVerifier } from '../platform/auth';
import { currentScope, runInScope } from '../platform/context';
import { acceptCorrelationId } from '../platform/correlation';
import { inSpan, inStoredTrace } from '../platform/telemetry/spans';
import { ErrorCode } from '../platform/graphql/errors';
import { apolloHandler, sendJson } from '../platform/http/apollo-handler';
import { listen, router, type Route } from '../platform/http/server';
import { headerValue } from '../platform/http/headers';
import { componentLogger } from '../platform/logger';
import type { GatewayContext } from './context';
import { GraphQLError, type ExecutionResult, type FormattedExecutionResult, type GraphQLSchema } from 'graphql';
import type { UpdateFanout } from '../platform/events/fanout';
import { SubscriptionHub, type ExecuteAs } from './subscriptions/hub';
import { attachSubscriptions, type SubscriptionServerOptions } from './subscriptions/ws-server';
import type { SubscriptionCaps } from './subscriptions/quota';
import { createFetchMerger, SubgraphDataSource, type SubgraphFetching } from './data-source';
import { createSubgraphFetcher } from './fetcher';
import { maskUnexpectedErrors } from './format-error';
import { DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './admission';
import { admissionControl } from './admission-route';
import { GatewayMessages } from './messages';
import { bearerAuth } from './plugins/auth';
import { TokenCache } from './plugins/token-cache';
import { withCorrelation } from './plugins/correlation';
import { useOperationLimits, type OperationLimitsOptions } from './plugins/limits';
import { DEFAULT_INTROSPECTION_POLICY, useIntrospectionPolicy, type IntrospectionPolicy } from './plugins/introspection';
import { useSupergraphInputLimits } from './plugins/input-limits';
import { useRequestLogging } from './plugins/request-logging';
import { useRequestMetrics } from './plugins/request-metrics';
import { metricsRoute } from '../platform/metrics';
import { healthz, readyz } from './probes';
import { RegistrySupergraphSource, type SupergraphState } from './supergraph-source';

/** Options of `startGateway`. */
export interface GatewayOptions {
  /** Base URL of the schema registry (the gateway reads `{registryUrl}/supergraph`). */
  registryUrl: string;
  /** The registry token, sent with every supergraph poll; the registry refuses reads without it. */
  registryToken?: string;
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** Host to bind; default loopback (`DEFAULT_LISTEN_HOST`); entry points pass `HOST`. */
  host?: string;
  /** Verifies client bearer tokens. */
  verifier: TokenVerifier;
  /** Signs the principal sent to subgraphs; subgraphs hold the same secret. */
  internalTokens: InternalTokens;
  /** Registry poll interval; default `DEFAULT_POLL_INTERVAL_MS` (10 s). */
  pollIntervalMs?: number;
  /** Readiness also requires this to resolve (e.g. the shared database's `ping`); default none. */
  dbPing?: () => Promise<void>;
  /**
   * Unmasked error messages, subgraph details and stack traces: the explicit development switch
   * (`DEV_ERROR_DETAILS`). Default false in every run mode.
   */
  errorDetails?: boolean;
  /** Who may introspect the schema; default `DEFAULT_INTROSPECTION_POLICY` (staff and service roles). */
  introspection?: IntrospectionPolicy;
  /** Operation limits; defaults `MAX_DEPTH`, `MAX_COST` and `MAX_RESPONSE_BYTES` of plugins/limits.ts. */
  maxDepth?: number;
  maxCost?: number;
  maxResponseBytes?: number;
  /**
   * Merge identical subgraph queries in flight at once into one fetch (`GATEWAY_MERGE_FETCHES`,
   * gateway/fetch-merge.ts): per subgraph, operation, variables and principal. Default true.
   */
  mergeFetches?: boolean;
  /**
   * Admission control of `POST /graphql` (admission.ts): operations executing at once, waiting,
   * the longest wait and the slots kept for mutations; default `DEFAULT_ADMISSION_LIMITS`. Probes,
   * /metrics, extra routes and subscriptions are never subject to it.
   */
  admission?: AdmissionLimits;
  /** Subscriptions per connection and per principal; defaults in subscriptions/quota.ts. */
  subscriptionCaps?: SubscriptionCaps;
  /**
   * Where published events are broadcast; with it, graphql-ws subscriptions are served on the same
   * `/graphql` path (in-process fan-out in the embedded default, Redis pub/sub in production).
   */
  fanout?: UpdateFanout;
  /**
   * More exact-path routes on the same server, e.g. the operations console app/ builds (the gateway
   * does not know what they serve). They cannot replace `/graphql`, `/healthz` or `/readyz`.
   */
  extraRoutes?: Record<string, Route>;
}

/** A running gateway. */
export interface RunningGateway {
  /** Base URL, e.g. `http://127.0.0.1:4000`; operations go to `${url}/graphql`. */
  url: string;
  port: number;
  /** The Node server, for attaching graphql-ws to the same port. */
  httpServer: Server;
  /**
   * Settles when the first supergraph is served; rejects when none arrives within the start-up
   * timeout. The gateway listens (and answers probes) before then, so `/readyz` can say why it waits.
   */
  ready: Promise<void>;
  /** The supergraph being served and the registry's health, as /readyz shows it. */
  supergraphState(): SupergraphState;
  /** Live subscriptions (0 without a fan-out). */
  subscriberCount(): number;
  /** Stops polling, stops serving, closes pooled subgraph connections. */
  close(): Promise<void>;
}

/**
 * Starts the gateway on one port: `POST /graphql` (federated operations through Apollo Gateway),
 * `GET /healthz`, `GET /readyz` and `GET /metrics` (Prometheus). The request path is: correlation id → admission
 * (admission.ts: a slot, a short wait, or 503 before any work) → bearer authentication
 * (context) → operation limits → query plan → subgraph fetches carrying the correlation id and
 * the principal signed once for the request.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const log = componentLogger('gateway');
  const errorDetails = options.errorDetails ?? false;
  const fetcher = createSubgraphFetcher();
  const fetching: SubgraphFetching = { fetcher, merger: (options.mergeFetches ?? true) ? createFetchMerger() : undefined };
  const { source, gateway } = federatedGateway(options, log, fetching);
  const limits = { maxDepth: options.maxDepth, maxCost: options.maxCost, maxResponseBytes: options.maxResponseBytes };
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    logger: log,
    // Set explicitly: Apollo would derive both from NODE_ENV. Introspection is decided per caller
    // by useIntrospectionPolicy, so every refusal reads the same (FORBIDDEN).
    introspection: true,
    includeStacktraceInErrorResponses: errorDetails,
    formatError: maskUnexpectedErrors(log, errorDetails),
    plugins: gatewayPlugins(gateway, log, limits, options.introspection),
  });
  const startup = startServing(apollo, log);

  const authenticate = bearerAuth({ verifier: options.verifier, internalTokens: options.internalTokens });
  const context = async (req: IncomingMessage): Promise<GatewayContext> => ({
    correlationId: currentScope()?.correlationId ?? randomUUID(),
    ...(await authenticate(headerValue(req, 'authorization'))),
  });
  // Subscriptions: validated against the current API schema, resolved through this gateway.
  const apiSchema = latestApiSchema(gateway, startup.serving);
  const admission = admissionControl(options.admission ?? DEFAULT_ADMISSION_LIMITS);

  const running = await listen(
    withCorrelation(
      router({
        ...options.extraRoutes,
        '/graphql': graphqlRoute(admission.guard(apolloHandler(apollo, context)), startup.serving),
        '/healthz': healthz,
        '/metrics': metricsRoute,
        '/readyz': readyz({ serving: startup.serving, supergraph: () => source.state, dbPing: options.dbPing }),
      }),
    ),
    options.port,
    options.host,
  );
  log.info({ url: running.url, registryUrl: options.registryUrl }, 'gateway listening');
  const subscriptions = options.fanout
    ? await serveSubscriptions(options, options.fanout, apollo, {
        httpServer: running.server,
        schema: apiSchema,
        limits,
        streams: (field) => source.stream(field),
      })
    : undefined;

  let closing: Promise<void> | undefined;
  return {
    url: running.url,
    port: running.port,
    httpServer: running.server,
    ready: startup.ready,
    supergraphState: () => source.state,
    subscriberCount: () => subscriptions?.hub.size() ?? 0,
    close() {
      closing ??= (async () => {
        startup.stopServing();
        await subscriptions?.close();
        source.stop();
        await startup.ready.catch(() => undefined);
        await running.close();
        admission.close();
        await apollo.stop().catch((error: unknown) => log.warn({ err: error }, 'apollo server did not stop cleanly'));
        await fetcher.close();
      })();
      return closing;
    },
  };
}

/** Apollo Gateway over the supergraph the registry serves, fetching from subgraphs through one pool. */
function federatedGateway(options: GatewayOptions, log: Logger, fetching: SubgraphFetching): { source: RegistrySupergraphSource; gateway: ApolloGateway } {
  const source = new RegistrySupergraphSource({ registryUrl: options.registryUrl, token: options.registryToken, pollIntervalMs: options.pollIntervalMs, log });
  const gateway = new ApolloGateway({
    supergraphSdl: source,
    buildService: ({ name, url }) => new SubgraphDataSource(url ?? '', fetching, name),
    logger: log,
    // Apollo Gateway's default is NODE_ENV !== 'production' (a client header asking for the query
    // plan). No run mode may depend on NODE_ENV, so it is off everywhere; a regression guard in
    // test/production-setup.e2e.test.ts asks for the plan without NODE_ENV.
    __exposeQueryPlanExperimental: false,
  });
  return { source, gateway };
}

/** The request pipeline's plugins, in the order they see an operation. */
function gatewayPlugins(
  gateway: ApolloGateway,
  log: Logger,
  limits: OperationLimitsOptions,
  introspection: IntrospectionPolicy | undefined,
): ApolloServerPlugin<GatewayContext>[] {
  return [
    ApolloServerPluginLandingPageDisabled(),
    // No CDN reads cache hints; computing them costs time per field of every response.
    ApolloServerPluginCacheControlDisabled(),
    useRequestLogging(log),
    useRequestMetrics(),
    useOperationLimits(limits),
    useSupergraphInputLimits(gateway),
    useIntrospectionPolicy(introspection ?? DEFAULT_INTROSPECTION_POLICY),
  ];
}

/** Apollo's start-up, tracked: the gateway serves operations only between start-up and close. */
interface Startup {
  /** Settles when the first supergraph is served; see `RunningGateway.ready`. */
  ready: Promise<void>;
  serving(): boolean;
  stopServing(): void;
}

function startServing(apollo: ApolloServer<GatewayContext>, log: Logger): Startup {
  let serving = false;
  const ready = apollo.start().then(
    () => {
      serving = true;
    },
    (error: unknown) => {
      log.error({ err: error }, 'gateway could not load a supergraph');
      throw error;
    },
  );
  // Callers may ignore `ready`; a start-up failure is logged above and shown by /readyz.
  ready.catch(() => undefined);
  return {
    ready,
    serving: () => serving,
    stopServing: () => {
      serving = false;
    },
  };
}

/** `/graphql` over HTTP: POST only, and answered only once a supergraph is served. */
function graphqlRoute(executeGraphQL: Route, serving: () => boolean): Route {
  return async (req, res) => {
    if (req.method !== 'POST') {
      sendJson(res, 405, { errors: [{ message: GatewayMessages.methodNotAllowed, extensions: { code: 'BAD_REQUEST' } }] }, { allow: 'POST' });
      return;
    }
    if (!serving()) {
      // Without this, Apollo would hold the request until start-up ends, up to a minute.
      sendJson(res, 503, { errors: [{ message: GatewayMessages.notReady, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }] });
      return;
    }
    await executeGraphQL(req, res);
  };
}

/**
 * The API schema subscriptions are validated against: the latest the gateway loaded, and none
 * while it does not serve. Registered before the first await of start-up so no load is missed.
 */
function latestApiSchema(gateway: ApolloGateway, serving: () => boolean): () => GraphQLSchema | undefined {
  let apiSchema: GraphQLSchema | undefined;
  gateway.onSchemaLoadOrUpdate(({ apiSchema: next }) => {
    apiSchema = next;
  });
  return () => (serving() ? apiSchema : undefined);
}

/** graphql-ws on the gateway's port, fed by the fan-out through a subscription hub. */
async function serveSubscriptions(
  options: GatewayOptions,
  fanout: UpdateFanout,
  apollo: ApolloServer<GatewayContext>,
  server: Pick<SubscriptionServerOptions, 'httpServer' | 'schema' | 'limits' | 'streams'>,
): Promise<{ hub: SubscriptionHub; close(): Promise<void> }> {
  const hub = new SubscriptionHub(fanout, executeThrough(apollo, options.internalTokens));
  await hub.start();
  const closeSockets = attachSubscriptions({ ...server, path: '/graphql', verifier: options.verifier, hub, caps: options.subscriptionCaps });
  return {
    hub,
    async close() {
      await closeSockets();
      await hub.stop();
    },
  };
}

/**
 * Resolves a subscription update's selection through this gateway, under the subscriber's principal
 * (for a live update, its audience class's representative). The internal principal token is signed
 * once per principal and reused while the token cache holds it (`TOKEN_CACHE_TTL_MS`, half the
 * token's life): an event reaching hundreds of classes would otherwise sign hundreds of tokens.
 */
function executeThrough(apollo: ApolloServer<GatewayContext>, internalTokens: InternalTokens): ExecuteAs {
  const signed = new TokenCache();
  // Internal tokens have no client token to outlive: only the cache's own TTL bounds reuse.
  const never = new Date(8.64e15);
  const internalTokenOf = async (principal: Principal): Promise<string> => {
    const key = JSON.stringify(claimsFromPrincipal(principal));
    const cached = signed.get(key);
    if (cached) return cached.internalPrincipalToken;
    const token = await internalTokens.sign(principal);
    signed.set(key, principal, token, never);
    return token;
  };
  return async (query, variables, principal, origin) => {
    // An update caused by an event keeps the event's correlation id and trace; a catch-up page gets its own.
    const correlationId = acceptCorrelationId(origin?.correlationId) ?? randomUUID();
    const internalPrincipalToken = await internalTokenOf(principal);
    const response = await runInScope({ correlationId, principal }, () =>
      inStoredTrace(origin?.traceparent, () =>
        inSpan('subscription.resolve', {}, () =>
          apollo.executeOperation({ query, variables }, { contextValue: { correlationId, principal, internalPrincipalToken } }),
        ),
      ),
    );
    if (response.body.kind !== 'single') throw new Error('incremental delivery is not used for subscription updates');
    return withGraphQLErrors(response.body.singleResult);
  };
}

/**
 * Apollo returns formatted (plain) errors; graphql-ws serialises a result's errors with
 * `GraphQLError.toJSON`, so a plain error would break the socket instead of reaching the client.
 */
function withGraphQLErrors(result: FormattedExecutionResult): ExecutionResult {
  const { errors, ...rest } = result;
  if (!errors) return rest as ExecutionResult;
  return { ...rest, errors: errors.map((error) => new GraphQLError(error.message, { path: error.path, extensions: error.extensions })) } as ExecutionResult;
}
