import type { Server } from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, Kind, parse, validate, type DocumentNode, type ExecutionArgs, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { Principal, TokenVerifier } from '../../platform/auth';
import { componentLogger } from '../../platform/logger';
import { bearerToken } from '../../platform/http/bearer';
import { operationLimitError, type OperationLimitsOptions } from '../plugins/limits';
import type { SubscriptionHub } from './hub';
import { withoutSuggestions } from '../plugins/introspection';
import { SubscriptionQuota, type SubscriptionCaps } from './quota';
import { planSubscription, type PlannedSubscription, type StreamLookup } from './rewrite';

const log = componentLogger('subscriptions');

/** Close code when the token is missing, invalid, or expires during the connection. */
export const CLOSE_FORBIDDEN = 4403;

interface ConnectionState {
  principal?: Principal;
  expiryTimer?: NodeJS.Timeout;
}

/** Options of `attachSubscriptions`. */
export interface SubscriptionServerOptions {
  httpServer: Server;
  /** Same path as queries: graphql-ws upgrades on `/graphql`. */
  path: string;
  verifier: TokenVerifier;
  /** The current API schema of the supergraph (updated on hot reload). */
  schema: () => GraphQLSchema | undefined;
  hub: SubscriptionHub;
  /** The stream serving each `Subscription` field, from the registry (updated with the supergraph). */
  streams: StreamLookup;
  /** The same operation limits as HTTP operations get (plugins/limits.ts). */
  limits?: OperationLimitsOptions;
  /** Subscriptions per connection and per principal; defaults in quota.ts. */
  caps?: SubscriptionCaps;
}

/**
 * graphql-ws on the gateway's port. The token in `connectionParams.authorization` is verified at
 * connect (close 4403 when missing or invalid) and the connection is closed when it expires.
 * Each subscription is validated against the supergraph, planned (`rewrite.ts`) and served by the
 * hub under the connection's principal. Before anything is served, a subscription is refused
 * when its selection breaks the operation limits (BAD_USER_INPUT, QUERY_TOO_COMPLEX) or when its
 * connection or principal already holds the most subscriptions allowed (TOO_MANY_SUBSCRIPTIONS,
 * quota.ts); the connection's other subscriptions go on. Returns a function that closes every socket.
 */
export function attachSubscriptions(options: SubscriptionServerOptions): () => Promise<void> {
  const wss = new WebSocketServer({ server: options.httpServer, path: options.path });
  const states = new WeakMap<object, ConnectionState>();
  const quota = new SubscriptionQuota(options.caps);
  const stateOf = (extra: object) => {
    let state = states.get(extra);
    if (!state) {
      state = {};
      states.set(extra, state);
    }
    return state;
  };
  const server = useServer(
    {
      schema: () => {
        const schema = options.schema();
        if (!schema) throw new Error('The gateway has no supergraph yet.');
        return schema;
      },
      onConnect: async (ctx) => {
        const token = bearerToken(ctx.connectionParams?.authorization);
        if (!token) return false;
        try {
          const { principal, expiresAt } = await options.verifier.verify(token);
          const state = stateOf(ctx.extra);
          state.principal = principal;
          const ttl = Math.max(0, expiresAt.getTime() - Date.now());
          state.expiryTimer = setTimeout(() => ctx.extra.socket.close(CLOSE_FORBIDDEN, 'Token expired'), Math.min(ttl, 2 ** 31 - 1));
          state.expiryTimer.unref();
          return true;
        } catch {
          return false;
        }
      },
      onClose: (ctx) => {
        clearTimeout(stateOf(ctx.extra).expiryTimer);
        quota.releaseAll(ctx.extra);
      },
      onComplete: (ctx, id) => {
        quota.release(ctx.extra, id);
      },
      onSubscribe: (ctx, id, payload) => admitSubscription(options, quota, { connection: ctx.extra, id, principal: stateOf(ctx.extra).principal }, payload),
      subscribe: (args) => {
        const { plan, principal } = args.contextValue as { plan: PlannedSubscription; principal: Principal };
        return options.hub.subscribe(plan, principal);
      },
    },
    wss,
  );
  log.info({ path: options.path }, 'graphql-ws subscriptions attached');
  return async () => {
    for (const client of wss.clients) client.terminate();
    await server.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

/** Who asks for a subscription: the connection (the quota's key), the operation id, the verified principal. */
interface Subscriber {
  connection: object;
  id: string;
  principal?: Principal;
}

/**
 * graphql-ws's `onSubscribe`: the execution arguments of a subscription that will be served, or the
 * errors that refuse it. Checks run cheapest first; the quota comes last so a place is taken only
 * by a subscription that will be served.
 */
function admitSubscription(
  options: SubscriptionServerOptions,
  quota: SubscriptionQuota,
  subscriber: Subscriber,
  payload: SubscribePayload,
): ExecutionArgs | readonly GraphQLError[] {
  const schema = options.schema();
  const { principal } = subscriber;
  if (!schema || !principal) return [new GraphQLError('The gateway is not ready for subscriptions.', { extensions: { code: 'SERVICE_UNAVAILABLE' } })];
  const parsed = parseSubscription(schema, payload);
  if (Array.isArray(parsed)) return parsed;
  const { document, operation } = parsed;
  const variables = payload.variables ?? {};
  let plan: PlannedSubscription;
  try {
    plan = planSubscription(document, operation, variables, options.streams);
  } catch (error) {
    return [new GraphQLError((error as Error).message, { extensions: { code: 'BAD_USER_INPUT' } })];
  }
  const limitError = operationLimitError(schema, document, operation, variables, options.limits);
  if (limitError) return [withoutHttp(limitError)];
  const refused = quota.acquire(subscriber.connection, principal.subject, subscriber.id);
  if (refused) return [refused];
  return { schema, document, variableValues: variables, contextValue: { plan, principal } };
}

/** Parses and validates the payload and picks its operation, which must be a subscription. */
function parseSubscription(schema: GraphQLSchema, payload: SubscribePayload): { document: DocumentNode; operation: OperationDefinitionNode } | GraphQLError[] {
  let document: DocumentNode;
  try {
    document = parse(payload.query);
  } catch (error) {
    return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
  }
  const errors = validate(schema, document);
  // No suggestions over WebSocket for anyone: they would map the schema for roles refused introspection.
  if (errors.length > 0) return [...withoutSuggestions(errors)];
  const operation = document.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (!payload.operationName || definition.name?.value === payload.operationName),
  );
  if (!operation || operation.operation !== 'subscription') {
    return [
      new GraphQLError('Only subscriptions are served over WebSocket; send queries and mutations over HTTP.', { extensions: { code: 'BAD_USER_INPUT' } }),
    ];
  }
  return { document, operation };
}

/** The HTTP status in a request error's extensions means nothing on a WebSocket. */
function withoutHttp(error: GraphQLError): GraphQLError {
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}
