import { SignJWT, calculateJwkThumbprint, jwtVerify, importJWK, exportJWK, generateKeyPair, type JWK, type KeyLike } from 'jose';
import { claimsFromPrincipal, type Principal } from './principal';
import { DEFAULT_CLAIMS_MAPPING, principalFromMappedClaims, type ClaimsMapping } from './claims-mapping';

/** Issuer and audience of client tokens; a token minted for another system is refused. */
export const TOKEN_ISSUER = 'returns-graph';
export const TOKEN_AUDIENCE = 'returns-graph-api';
/** The algorithm of client tokens: ECDSA P-256, small and fast to verify at the gateway. */
export const TOKEN_ALG = 'ES256';
/** Clock skew tolerated between the token issuer and the gateway. */
export const CLOCK_TOLERANCE_S = 30;

/** A verified client token: who calls, and until when the token may be trusted (the gateway caches up to then). */
export interface VerifiedToken {
  principal: Principal;
  expiresAt: Date;
}

/**
 * Verifies client tokens: the local-key `ClientTokenVerifier` (embedded default, trials) or the
 * identity provider's `JwksTokenVerifier` (production). Throws for any token it does not accept.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}

/** What a local-key verifier accepts; defaults are the tokens `signClientToken` mints. */
export interface LocalVerifierOptions {
  issuer?: string;
  audience?: string;
  claims?: ClaimsMapping;
}

/** A key pair for client tokens, as JWKs so it can be stored and passed in env vars. */
export interface SigningKeys {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Generates a fresh key pair (the embedded default keeps one in `.data/`). */
export async function generateSigningKeys(options: { kid?: boolean } = {}): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  const publicJwk = await exportJWK(publicKey);
  if (!options.kid) return { privateJwk, publicJwk };
  // A key id (the RFC 7638 thumbprint) lets the public key sit in a JWKS beside others.
  const kid = await calculateJwkThumbprint(publicJwk);
  return { privateJwk: { ...privateJwk, kid, alg: TOKEN_ALG }, publicJwk: { ...publicJwk, kid, alg: TOKEN_ALG, use: 'sig' } };
}

/** Mints a client token for `principal`, valid for `ttlSeconds` (default 12 hours: one shift). */
export async function signClientToken(
  principal: Principal,
  privateJwk: JWK,
  ttlSeconds = 12 * 3600,
  /** `iss` and `aud` when the verifier checks others than the local defaults (AUTH_ISSUER/AUTH_AUDIENCE). */
  names: { issuer?: string; audience?: string } = {},
): Promise<string> {
  const key = await importJWK(privateJwk, TOKEN_ALG);
  return (
    new SignJWT({ ...claimsFromPrincipal(principal) })
      // The key id lets the same key be published in a JWKS (`npm run token -- --keygen` sets one).
      .setProtectedHeader(privateJwk.kid ? { alg: TOKEN_ALG, kid: privateJwk.kid } : { alg: TOKEN_ALG })
      .setIssuer(names.issuer ?? TOKEN_ISSUER)
      .setAudience(names.audience ?? TOKEN_AUDIENCE)
      .setSubject(principal.subject)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(key)
  );
}

/** Verifies client tokens against one local public key (ES256), for the embedded default and trials. */
export class ClientTokenVerifier implements TokenVerifier {
  private constructor(
    private readonly key: KeyLike | Uint8Array,
    private readonly options: Required<LocalVerifierOptions>,
  ) {}

  static async fromPublicJwk(publicJwk: JWK, options: LocalVerifierOptions = {}): Promise<ClientTokenVerifier> {
    return new ClientTokenVerifier(await importJWK(publicJwk, TOKEN_ALG), {
      issuer: options.issuer ?? TOKEN_ISSUER,
      audience: options.audience ?? TOKEN_AUDIENCE,
      claims: options.claims ?? DEFAULT_CLAIMS_MAPPING,
    });
  }

  /** The principal and expiry of a valid token; throws for a bad signature, expiry, issuer, audience or claims. */
  async verify(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, this.key, {
      issuer: this.options.issuer,
      audience: this.options.audience,
      algorithms: [TOKEN_ALG],
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ['exp', 'sub'],
    });
    return { principal: principalFromMappedClaims(payload, this.options.claims), expiresAt: new Date((payload.exp ?? 0) * 1000) };
  }
}
