import { SignJWT, jwtVerify } from 'jose';
import { claimsFromPrincipal, principalFromClaims, type Principal } from './principal';

/**
 * The gateway tells subgraphs who is calling with a short-lived token in this header, signed
 * with a secret only the gateway and the subgraphs hold. A subgraph never trusts a principal it
 * cannot verify, so a request sent straight to a subgraph with a made-up principal is refused.
 */
export const INTERNAL_PRINCIPAL_HEADER = 'x-internal-principal';
const INTERNAL_ISSUER = 'returns-graph-gateway';
const INTERNAL_AUDIENCE = 'returns-graph-subgraph';
/** Long enough for the slowest query plan, short enough that a leaked header is soon useless. */
export const INTERNAL_TOKEN_TTL_S = 60;
/** HS256 wants at least 256 bits of key. */
export const MIN_INTERNAL_SECRET_BYTES = 32;

function keyFrom(secret: string): Uint8Array {
  const key = new TextEncoder().encode(secret);
  if (key.length < MIN_INTERNAL_SECRET_BYTES) {
    throw new Error(`INTERNAL_TOKEN_SECRET must be at least ${MIN_INTERNAL_SECRET_BYTES} bytes, but got ${key.length}`);
  }
  return key;
}

/** Signs and verifies the gateway-to-subgraph principal token. */
export class InternalTokens {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = keyFrom(secret);
  }

  /** A token asserting `principal` for one subgraph request. */
  async sign(principal: Principal): Promise<string> {
    return new SignJWT({ ...claimsFromPrincipal(principal) })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(INTERNAL_ISSUER)
      .setAudience(INTERNAL_AUDIENCE)
      .setSubject(principal.subject)
      .setIssuedAt()
      .setExpirationTime(`${INTERNAL_TOKEN_TTL_S}s`)
      .sign(this.key);
  }

  /** The principal asserted by a valid token; throws for anything else. */
  async verify(token: string): Promise<Principal> {
    const { payload } = await jwtVerify(token, this.key, {
      issuer: INTERNAL_ISSUER,
      audience: INTERNAL_AUDIENCE,
      algorithms: ['HS256'],
    });
    return principalFromClaims(payload);
  }
}
