import { SignJWT, jwtVerify, importJWK, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { claimsFromPrincipal, principalFromClaims, type Principal } from './principal';

/** Issuer and audience of client tokens; a token minted for another system is refused. */
export const TOKEN_ISSUER = 'returns-graph';
export const TOKEN_AUDIENCE = 'returns-graph-api';
/** The algorithm of client tokens: ECDSA P-256, small and fast to verify at the gateway. */
export const TOKEN_ALG = 'ES256';
/** Clock skew tolerated between the token issuer and the gateway. */
const CLOCK_TOLERANCE_S = 30;

/** A key pair for client tokens, as JWKs so it can be stored and passed in env vars. */
export interface SigningKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Generates a fresh key pair (the embedded default keeps one in `.data/`). */
export async function generateSigningKeys(): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  return { privateJwk: await exportJWK(privateKey), publicJwk: await exportJWK(publicKey) };
}

/** Mints a client token for `principal`, valid for `ttlSeconds` (default 12 hours: one shift). */
export async function signClientToken(principal: Principal, privateJwk: JWK, ttlSeconds = 12 * 3600): Promise<string> {
  const key = await importJWK(privateJwk, TOKEN_ALG);
  return new SignJWT({ ...claimsFromPrincipal(principal) })
    .setProtectedHeader({ alg: TOKEN_ALG })
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setSubject(principal.subject)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key);
}

/** Verifies client tokens against one public key. */
export class ClientTokenVerifier {
  private constructor(private readonly key: KeyLike | Uint8Array) {}

  static async fromPublicJwk(publicJwk: JWK): Promise<ClientTokenVerifier> {
    return new ClientTokenVerifier(await importJWK(publicJwk, TOKEN_ALG));
  }

  /** The principal and expiry of a valid token; throws for a bad signature, expiry, issuer, audience or claims. */
  async verify(token: string): Promise<{ principal: Principal; expiresAt: Date }> {
    const { payload } = await jwtVerify(token, this.key, {
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      algorithms: [TOKEN_ALG],
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    });
    return { principal: principalFromClaims(payload), expiresAt: new Date((payload.exp ?? 0) * 1000) };
  }
}
