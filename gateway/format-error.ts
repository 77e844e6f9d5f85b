import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { ErrorCode } from '../platform/graphql/errors';
import { errorChainSome, maskErrors, type KnownFailure } from '../platform/graphql/masking';
import { GatewayMessages } from './messages';

/** Transport codes and messages of a subgraph that refused or dropped the connection. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);
const UNREACHABLE_MESSAGE = /ECONNREFUSED|fetch failed|other side closed/;
/** HTTP 400 from a subgraph: it refused the request while parsing or validating it, i.e. the client's input. */
const SUBGRAPH_REFUSED_INPUT = 400;

/**
 * What the gateway recognises in a subgraph fetch's failure. A subgraph's HTTP failure (Apollo's
 * "400: Bad Request" carrying the subgraph's URL and body) is BAD_USER_INPUT for a 400 and a fault
 * otherwise, whatever code the gateway library gave it; an unreachable subgraph is SERVICE_UNAVAILABLE.
 */
export const SUBGRAPH_FETCH_FAILURES: readonly KnownFailure[] = [
  {
    description: 'a subgraph refused the request as malformed',
    level: 'warn',
    matches: (formatted) => subgraphHttpStatus(formatted) === SUBGRAPH_REFUSED_INPUT,
    answer: { code: ErrorCode.BAD_USER_INPUT, message: GatewayMessages.refusedBySubgraph },
  },
  {
    description: 'a subgraph answered with an HTTP failure',
    level: 'error',
    matches: (formatted) => subgraphHttpStatus(formatted) !== undefined,
  },
  {
    description: 'a subgraph is not reachable',
    level: 'error',
    matches: (_formatted, error) =>
      errorChainSome(error, ({ code, message }) => UNREACHABLE_CODES.has(String(code)) || (typeof message === 'string' && UNREACHABLE_MESSAGE.test(message))),
    answer: { code: ErrorCode.SERVICE_UNAVAILABLE, message: GatewayMessages.subgraphUnavailable },
  },
];

/**
 * Apollo Server's `formatError` for the gateway: the one masking (`platform/graphql/masking.ts`)
 * with the subgraph fetch failures above. Masked in every run mode unless `errorDetails`, the
 * explicit development switch; a subgraph's `stacktrace` and `serviceName` are dropped even when
 * that subgraph shows them.
 */
export function maskUnexpectedErrors(log: Logger, errorDetails: boolean) {
  return maskErrors({ log, errorDetails, knownFailures: SUBGRAPH_FETCH_FAILURES });
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
