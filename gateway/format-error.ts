import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { currentScope } from '../platform/context';
import { ErrorCode } from '../platform/graphql/errors';
import { clientView, errorChainSome, faultView, isClientError, replacedView } from '../platform/graphql/masking';
import { GatewayMessages } from './messages';

/** Transport codes and messages of a subgraph that refused or dropped the connection. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE_MESSAGE = /ECONNREFUSED|fetch failed|other side closed/;
/** HTTP 400 from a subgraph: it refused the request while parsing or validating it, i.e. the client's input. */
const SUBGRAPH_REFUSED_INPUT = 400;

/**
 * Builds Apollo Server's `formatError` for the gateway. Masked (the default in every run mode):
 * errors with a client code keep their message and client extensions only (a subgraph's
 * `stacktrace` and `serviceName` are dropped even when that subgraph shows them); a subgraph's
 * HTTP failure (Apollo's "400: Bad Request" carrying the subgraph's URL and body) becomes
 * BAD_USER_INPUT for a 400 and a fault otherwise; an unreachable subgraph is SERVICE_UNAVAILABLE;
 * anything else is logged in full and answered with "something went wrong" and the correlation
 * id. `errorDetails` (the explicit development switch) shows everything as Apollo formatted it.
 */
export function maskUnexpectedErrors(log: Logger, errorDetails: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const subgraphStatus = subgraphHttpStatus(formatted);
    if (subgraphStatus === undefined && isClientError(formatted)) return errorDetails ? formatted : clientView(formatted);
    if (subgraphStatus === SUBGRAPH_REFUSED_INPUT) {
      log.warn({ err: (error as { originalError?: unknown }).originalError ?? error, response: formatted.extensions?.response }, 'a subgraph refused the request as malformed');
      return errorDetails ? formatted : replacedView(formatted, ErrorCode.BAD_USER_INPUT, GatewayMessages.refusedBySubgraph);
    }
    log.error({ err: (error as { originalError?: unknown }).originalError ?? error, message: formatted.message }, 'unexpected error');
    if (errorDetails) return formatted;
    const unreachable = errorChainSome(
      error,
      ({ code, message }) => UNREACHABLE_CODES.has(String(code)) || (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message)),
    );
    if (unreachable) return replacedView(formatted, ErrorCode.SERVICE_UNAVAILABLE, GatewayMessages.subgraphUnavailable);
    return faultView(formatted, currentScope()?.correlationId);
  };
}

/**
 * The HTTP status of a subgraph answer that was not GraphQL success: Apollo Gateway puts the
 * fetch's `{ url, status, statusText, body }` in `extensions.response`. Such an error's message
 * and code were written by the gateway library, not by us, whatever its code says (a subgraph's
 * 401 becomes UNAUTHENTICATED, yet means the gateway's own credentials were refused).
 */
function subgraphHttpStatus(formatted: GraphQLFormattedError): number | undefined {
  const response = formatted.extensions?.response as { status?: unknown } | undefined;
  return typeof response?.status === 'number' ? response.status : undefined;
}
