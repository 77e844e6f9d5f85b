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
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** HTTP status that goes with each code when the error ends the whole request. */
const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  QUERY_TOO_COMPLEX: 400,
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
} as const;

/** A GraphQL error with a code from the registry and the matching HTTP status. */
export function graphqlError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status: HTTP_STATUS[code] }, ...extra } });
}

export const unauthenticated = (message: string = Messages.missingToken) => graphqlError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message: string = Messages.forbidden) => graphqlError(ErrorCode.FORBIDDEN, message);
/** Bad input in an argument; `argument` names it so clients can point at the field. */
export const badUserInput = (message: string, argument?: string) =>
  graphqlError(ErrorCode.BAD_USER_INPUT, message, argument ? { argument } : {});
