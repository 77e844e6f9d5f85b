import type { InternalTokens, Principal, TokenVerifier } from '../../platform/auth';
import { currentScope } from '../../platform/context';
import { Messages, unauthenticated } from '../../platform/graphql/errors';
import { bearerToken } from '../../platform/http/bearer';
import { TokenCache } from './token-cache';

/** An authenticated caller and the principal token subgraphs will accept for this request. */
export interface Authenticated {
  principal: Principal;
  /** `x-internal-principal` for every subgraph fetch of this request. */
  internalPrincipalToken: string;
}

/** Options of `bearerAuth`. */
export interface BearerAuthOptions {
  /** Verifies client JWTs (signature, issuer, audience, expiry, claims). */
  verifier: TokenVerifier;
  /** Signs the principal the gateway asserts to subgraphs. */
  internalTokens: InternalTokens;
}

/**
 * Authenticates a request from its `Authorization` value (for HTTP the header, for graphql-ws
 * `connectionParams.authorization`). Every operation needs a valid token; anything else throws
 * an `UNAUTHENTICATED` error (HTTP 401) before any subgraph is called. The principal is signed for
 * the subgraphs once here, not per subgraph fetch.
 */
export function bearerAuth(options: BearerAuthOptions): (authorization: string | undefined) => Promise<Authenticated> {
  const cache = new TokenCache();
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) throw unauthenticated(Messages.missingToken);
    const cached = cache.get(token);
    if (cached) {
      const scope = currentScope();
      if (scope) scope.principal = cached.principal;
      return { principal: cached.principal, internalPrincipalToken: cached.internalPrincipalToken };
    }
    let principal: Principal;
    let expiresAt: Date;
    try {
      ({ principal, expiresAt } = await options.verifier.verify(token));
    } catch {
      // The reason (expired, bad signature, wrong audience) stays out of the response: it would
      // help someone forging tokens more than it helps a client, which just needs a new token.
      throw unauthenticated(Messages.invalidToken);
    }
    const scope = currentScope();
    if (scope) scope.principal = principal;
    const internalPrincipalToken = await options.internalTokens.sign(principal);
    cache.set(token, principal, internalPrincipalToken, expiresAt);
    return { principal, internalPrincipalToken };
  };
}
