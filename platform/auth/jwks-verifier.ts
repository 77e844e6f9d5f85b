import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { componentLogger } from '../logger';
import { DEFAULT_CLAIMS_MAPPING, principalFromMappedClaims, type ClaimsMapping } from './claims-mapping';
import { CLOCK_TOLERANCE_S, type TokenVerifier, type VerifiedToken } from './tokens';

const log = componentLogger('auth');

/** Options of `JwksTokenVerifier`. */
export interface JwksVerifierOptions {
  /** The identity provider's JWKS URL (AUTH_JWKS_URL). */
  jwksUrl: URL;
  /** The `iss` every token must carry (AUTH_ISSUER). */
  issuer: string;
  /** The `aud` every token must carry (AUTH_AUDIENCE). */
  audience: string;
  /** Accepted signature algorithms (AUTH_ALGORITHMS); `none` and HMAC never are. */
  algorithms: string[];
  /** How long fetched keys are trusted before they are fetched again (AUTH_JWKS_CACHE_MAX_AGE_S), in ms. */
  cacheMaxAgeMs: number;
  /**
   * Least time between two fetches, in ms: a token with an unknown key id fetches the JWKS again
   * (key rotation) at most this often, so forged key ids cannot make the gateway hammer the IdP.
   */
  cooldownMs?: number;
  /** How long one JWKS fetch may take, in ms. */
  timeoutMs?: number;
  claims?: ClaimsMapping;
}

/** jose's default cooldown: a rotated-in key is picked up at most 30 s after the last fetch. */
const DEFAULT_COOLDOWN_MS = 30_000;
const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Verifies client tokens against the identity provider's published keys (Auth0, Okta, Entra ID,
 * Cognito). Keys are cached for `cacheMaxAgeMs`; a token signed with a key id not in the cache
 * fetches the set again (rotation: the new key is accepted), and once the cache expires a key the
 * provider removed is no longer in the set, so its tokens are refused.
 */
export class JwksTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly claims: ClaimsMapping;

  constructor(private readonly options: JwksVerifierOptions) {
    this.keys = createRemoteJWKSet(options.jwksUrl, {
      cacheMaxAge: options.cacheMaxAgeMs,
      cooldownDuration: options.cooldownMs ?? DEFAULT_COOLDOWN_MS,
      timeoutDuration: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    this.claims = options.claims ?? DEFAULT_CLAIMS_MAPPING;
  }

  async verify(token: string): Promise<VerifiedToken> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.algorithms,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      });
      return { principal: principalFromMappedClaims(payload, this.claims), expiresAt: new Date((payload.exp ?? 0) * 1000) };
    } catch (error) {
      // The client only learns "invalid token"; an unreachable IdP must still show in the logs.
      if (isFetchFailure(error)) {
        log.error({ err: error, jwksUrl: this.options.jwksUrl.href }, 'the identity provider key set could not be fetched');
      }
      throw error;
    }
  }
}

/** A failure to get the key set (timeout, refused connection, non-200, not JSON), not a bad token. */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return error.code === 'ERR_JOSE_GENERIC';
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}
