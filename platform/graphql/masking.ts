import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { currentScope } from '../context';
import { ErrorCode, Messages } from './errors';

/**
 * A failure recognised by its shape rather than by its code, and what the client is told about it
 * (e.g. a database refusing connections: SERVICE_UNAVAILABLE, so the client retries).
 */
export interface KnownFailure {
  /** The log line's message when this failure is seen. */
  description: string;
  /** `warn` when the client caused it (a value it sent), `error` when we did. */
  level: 'warn' | 'error';
  /** True for this failure; sees the formatted error and the original with its causes. */
  matches(formatted: GraphQLFormattedError, error: unknown): boolean;
  /**
   * The code and message the client gets in place of the original. Without one the failure is a
   * fault (`faultView`): recognised only so that its code, written by a library, is not trusted.
   */
  answer?: { code: ErrorCode; message: string };
}

/** Options of `maskErrors`. */
export interface MaskingOptions {
  /** Where every masked error is logged in full, under the request's correlation id. */
  log: Logger;
  /**
   * The explicit development switch (`DEV_ERROR_DETAILS`): faults show their own message and every
   * extension (stack trace, a subgraph's response). Known failures keep their code and message, with
   * the original's extensions added, so a client behaves the same in every run mode. Default false.
   */
  errorDetails?: boolean;
  /** Failures to answer by their shape, tried in order before an error's code is believed; default none. */
  knownFailures?: readonly KnownFailure[];
}

/**
 * Apollo Server's `formatError`, the same for the gateway and every subgraph; only the failures
 * each recognises differ. In order: a known failure gets its answer (or is a fault); an error with a
 * client code keeps its message and client extensions; anything else is a fault whose message could
 * leak internals (SQL, hostnames), so the client reads "something went wrong" and the correlation id.
 * Everything but a client error is logged in full first.
 */
export function maskErrors(options: MaskingOptions): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  const { log, errorDetails = false, knownFailures = [] } = options;
  return (formatted, error) => {
    const known = knownFailures.find((failure) => failure.matches(formatted, error));
    if (!known && isClientError(formatted)) return errorDetails ? formatted : clientView(formatted);
    const cause = (error as { originalError?: unknown } | null)?.originalError ?? error;
    log[known?.level ?? 'error']({ err: cause, message: formatted.message, extensions: formatted.extensions }, known?.description ?? 'unexpected error');
    if (known?.answer) {
      const { code, message } = known.answer;
      return errorDetails ? withPlace(formatted, message, { ...formatted.extensions, code }) : replacedView(formatted, code, message);
    }
    return errorDetails ? formatted : faultView(formatted, currentScope()?.correlationId);
  };
}

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
