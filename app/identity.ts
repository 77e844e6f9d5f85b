import type { JWK } from 'jose';
import { ClientTokenVerifier, DEFAULT_CLAIMS_MAPPING, JwksTokenVerifier, parseRoleMap, type ClaimsMapping, type TokenVerifier } from '../platform/auth';
import { required, type Config } from './config';

/** The claims mapping of AUTH_ROLES_CLAIM, AUTH_ROLE_MAP and the tenancy claim settings (defaults: today's claims). */
export function claimsMappingOf(config: Config): ClaimsMapping {
  return {
    ...DEFAULT_CLAIMS_MAPPING,
    rolesClaim: config.AUTH_ROLES_CLAIM,
    roleMap: config.AUTH_ROLE_MAP === undefined ? undefined : parseRoleMap(config.AUTH_ROLE_MAP),
    customerIdClaim: config.AUTH_CUSTOMER_ID_CLAIM,
    storeIdsClaim: config.AUTH_STORE_IDS_CLAIM,
    partnerIdClaim: config.AUTH_PARTNER_ID_CLAIM,
  };
}

/**
 * How the production gateway verifies client tokens: against the identity provider's JWKS when
 * AUTH_JWKS_URL is set (with AUTH_ISSUER and AUTH_AUDIENCE, which config requires then), else
 * against the local public key AUTH_PUBLIC_JWK (a trial), with AUTH_ISSUER/AUTH_AUDIENCE when set
 * and the local issuer and audience otherwise.
 */
export async function clientTokenVerifier(config: Config): Promise<TokenVerifier> {
  const claims = claimsMappingOf(config);
  if (config.AUTH_JWKS_URL !== undefined) {
    return new JwksTokenVerifier({
      jwksUrl: new URL(config.AUTH_JWKS_URL),
      issuer: required(config.AUTH_ISSUER, 'AUTH_ISSUER', 'tokens of the identity provider are checked for it'),
      audience: required(config.AUTH_AUDIENCE, 'AUTH_AUDIENCE', 'tokens of the identity provider are checked for it'),
      algorithms: config.AUTH_ALGORITHMS.split(','),
      cacheMaxAgeMs: config.AUTH_JWKS_CACHE_MAX_AGE_S * 1000,
      claims,
    });
  }
  const jwk = JSON.parse(
    required(config.AUTH_PUBLIC_JWK, 'AUTH_PUBLIC_JWK', 'the gateway verifies client tokens with it (or set AUTH_JWKS_URL for an identity provider)'),
  ) as JWK;
  return ClientTokenVerifier.fromPublicJwk(jwk, { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, claims });
}
