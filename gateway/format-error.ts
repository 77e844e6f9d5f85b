import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../platform/graphql/errors';
import { GatewayMessages } from './messages';

/** Codes whose messages were written for clients: ours, and those subgraphs already vetted. */
const CLIENT_CODES = new Set<string>(Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR));
/** Codes Apollo Server assigns to malformed requests; their messages describe the request only. */
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * Builds Apollo Server's `formatError` for the gateway. Errors with a registered code pass
 * through (subgraphs mask their own faults before answering). Anything else (a failed subgraph
 * fetch naming an internal host, a query-planner bug) is logged in full and, outside
 * development, replaced by a generic message; an unreachable subgraph becomes
 * `SERVICE_UNAVAILABLE` so clients know a retry may help.
 */
export function maskUnexpectedErrors(log: Logger, development: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = String(formatted.extensions?.code ?? '');
    if (CLIENT_CODES.has(code) || REQUEST_CODES.has(code)) return formatted;
    if (code === ErrorCode.INTERNAL_SERVER_ERROR && formatted.message === GatewayMessages.internal) return formatted;
    log.error({ err: (error as { originalError?: unknown }).originalError ?? error, message: formatted.message }, 'unexpected error');
    if (development) return formatted;
    const unreachable = isUnreachable(error);
    return {
      message: unreachable ? GatewayMessages.subgraphUnavailable : GatewayMessages.internal,
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: unreachable ? ErrorCode.SERVICE_UNAVAILABLE : ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** True when the error chain shows a subgraph that refused or dropped the connection. */
function isUnreachable(error: unknown): boolean {
  let current: unknown = error;
  for (let hops = 0; current && hops < 5; hops++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CONNECT_TIMEOUT') return true;
    if (typeof message === 'string' && /ECONNREFUSED|fetch failed|other side closed/.test(message)) return true;
    current = (current as { originalError?: unknown; cause?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}
