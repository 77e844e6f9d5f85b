import { GraphQLError } from 'graphql';

/**
 * The `extensions.code` values of top-level GraphQL errors (malformed requests, authorization
 * failures and faults). Business-rule failures are never thrown: they are `userErrors` in payloads.
 */
export const ErrorCode = {
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  /** The answer exceeded the gateway's response size cap and was replaced by this error. */
  RESPONSE_TOO_LARGE: 'RESPONSE_TOO_LARGE',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * HTTP status that goes with each code when the error ends the whole request (authentication in
 * the context function, a refused operation). Errors raised inside resolvers stay HTTP 200 with
 * partial data: a non-2xx answer from a subgraph would make the gateway discard its errors' codes.
 */
const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
  RESPONSE_TOO_LARGE: 400,
  SERVICE_UNAVAILABLE: 503,
  INTERNAL_SERVER_ERROR: 500,
};

/** User-facing messages of the top-level errors, together so they read consistently. */
export const Messages = {
  missingToken: 'Authentication required: send Authorization: Bearer <token>.',
  invalidToken: 'The bearer token is invalid or expired.',
  internalPrincipalMissing: 'This service only answers the gateway: the request carries no verifiable principal.',
  forbidden: 'You are not allowed to do this.',
  malformedId: (kind: string, value: string) => `"${value}" is not a valid ${kind} id.`,
  databaseUnavailable: 'The database is not reachable; try again shortly.',
  /** A fault's whole answer when errors are masked: the cause is logged under the correlation id. */
  somethingWentWrong: (correlationId?: string) =>
    correlationId ? `Something went wrong on our side. Quote correlation id ${correlationId} when you report it.` : 'Something went wrong on our side.',
  inputRejected: 'A value in the request is not acceptable (malformed, out of range or too long).',
} as const;

/** A GraphQL error with a code from the registry, for resolvers (HTTP status stays 200). */
export function graphqlError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/**
 * A GraphQL error that ends the whole request with the HTTP status matching its code; `extra`
 * adds extensions (the argument a BAD_USER_INPUT names).
 */
export function requestError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra, http: { status: HTTP_STATUS[code] } } });
}

/** The caller is not authenticated; raised before execution, so HTTP 401. */
export const unauthenticated = (message: string = Messages.missingToken) => requestError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string = Messages.forbidden) => graphqlError(ErrorCode.FORBIDDEN, message);
/** Bad input in an argument; `argument` names it so clients can point at the field. */
export const badUserInput = (message: string, argument?: string) => graphqlError(ErrorCode.BAD_USER_INPUT, message, argument ? { argument } : {});
