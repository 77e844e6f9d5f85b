/**
 * `Bearer <token>` (RFC 6750 §2.1): the scheme matched case-insensitively as RFC 9110 asks for
 * auth schemes, any run of whitespace around it, and exactly one token. A token with a space in it
 * is not a bearer token but a malformed header, so it is refused rather than cut at the space.
 */
const BEARER = /^\s*Bearer\s+(\S+)\s*$/i;

/**
 * The token of a `Bearer` credential, or undefined when there is none: the value is absent, not a
 * string, another scheme (`Basic …`), or the scheme without a token. Takes `unknown` because one
 * caller reads it from a client's JSON (graphql-ws `connectionParams.authorization`), not a header.
 * Used for every bearer credential we accept: client JWTs over HTTP and WebSocket, and the
 * registry's token.
 */
export function bearerToken(authorization: unknown): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  return BEARER.exec(authorization)?.[1];
}
