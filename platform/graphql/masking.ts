import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode, Messages } from './errors';

/**
 * Codes whose messages were written for clients: ours (all but INTERNAL_SERVER_ERROR) and those
 * Apollo Server assigns to malformed requests, whose messages describe the request only.
 */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The only `extensions` keys a client reads when errors are masked. An allow-list, not a
 * deny-list: Apollo and federation add keys over time (`stacktrace`, `serviceName`, a subgraph
 * fetch's `response` with its URL and body), and a new one must not leak until someone decides
 * it is meant for clients. Add a key here when an error carries it for clients on purpose.
 */
const CLIENT_EXTENSIONS = ['code', 'argument', 'correlationId'] as const;

/** True when the error's code says its message was written for clients. */
export function isClientError(formatted: GraphQLFormattedError): boolean {
  return CLIENT_CODES.has(String(formatted.extensions?.code ?? ''));
}

/** The error as a client may see it: message, place, and only the client extensions. */
export function clientView(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const extensions: Record<string, unknown> = {};
  for (const key of CLIENT_EXTENSIONS) {
    if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
  }
  return withPlace(formatted, formatted.message, extensions);
}

/**
 * What a client sees of a fault: that something went wrong and the correlation id to quote; the
 * cause is in the server's log under the same id.
 */
export function faultView(formatted: GraphQLFormattedError, correlationId: string | undefined): GraphQLFormattedError {
  return withPlace(formatted, Messages.somethingWentWrong(correlationId), {
    code: ErrorCode.INTERNAL_SERVER_ERROR,
    ...(correlationId ? { correlationId } : {}),
  });
}

/** A replacement error with `code` and `message`, at the original's place in the response. */
export function replacedView(formatted: GraphQLFormattedError, code: ErrorCode, message: string): GraphQLFormattedError {
  return withPlace(formatted, message, { code });
}

/** How far `errorChainSome` follows `originalError` / `cause`: a driver error is rarely deeper than three. */
const MAX_CHAIN_HOPS = 5;

/** True when `test` holds for the error or one of its causes (`originalError`, `cause`). */
export function errorChainSome(error: unknown, test: (link: { code?: unknown; message?: unknown }) => boolean): boolean {
  let current: unknown = error;
  for (let hops = 0; current && hops < MAX_CHAIN_HOPS; hops++) {
    if (test(current as { code?: unknown; message?: unknown })) return true;
    current = (current as { originalError?: unknown }).originalError ?? (current as { cause?: unknown }).cause;
  }
  return false;
}

function withPlace(formatted: GraphQLFormattedError, message: string, extensions: Record<string, unknown>): GraphQLFormattedError {
  return {
    message,
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions,
  };
}
