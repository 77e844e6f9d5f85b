import { ClientTokenVerifier, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../../platform/auth';

/** A client-token key pair for a test file: sign tokens as clients would hold them, verify as the gateway does. */
export interface TestClientTokens {
  keys: SigningKeys;
  verifier: ClientTokenVerifier;
  /** `Authorization` header value for `principal`. */
  bearer(principal: Principal, ttlSeconds?: number): Promise<string>;
}

/** Generates a fresh key pair; tokens from another file's pair do not verify here. */
export async function createTestClientTokens(): Promise<TestClientTokens> {
  const keys = await generateSigningKeys();
  const verifier = await ClientTokenVerifier.fromPublicJwk(keys.publicJwk);
  return {
    keys,
    verifier,
    bearer: async (principal, ttlSeconds) => `Bearer ${await signClientToken(principal, keys.privateJwk, ttlSeconds)}`,
  };
}
