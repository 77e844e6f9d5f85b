import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from 'jose';
import { JwksTokenVerifier, type JwksVerifierOptions } from './jwks-verifier';

/** A stand-in identity provider: a JWKS endpoint whose key set the test rotates. */
let server: Server;
let published: JWK[] = [];
let fetches = 0;
let jwksUrl: URL;

interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

async function key(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

const ISSUER = 'https://idp.example.test/';
const AUDIENCE = 'api://returns-graph';

function token(signer: TestKey, claims: Record<string, unknown> = { roles: ['finance'] }, overrides: { iss?: string; aud?: string } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
    .setIssuer(overrides.iss ?? ISSUER)
    .setAudience(overrides.aud ?? AUDIENCE)
    .setSubject('alice')
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(signer.privateKey);
}

function verifier(options: Partial<JwksVerifierOptions> = {}): JwksTokenVerifier {
  return new JwksTokenVerifier({
    jwksUrl,
    issuer: ISSUER,
    audience: AUDIENCE,
    algorithms: ['RS256', 'ES256'],
    cacheMaxAgeMs: 60_000,
    cooldownMs: 0,
    ...options,
  });
}

beforeAll(async () => {
  server = createServer((_req, res) => {
    fetches += 1;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  fetches = 0;
});

describe('JwksTokenVerifier', () => {
  it('accepts a token of a published key and fetches the set once for many tokens', async () => {
    const first = await key('k1');
    published = [first.publicJwk];
    const verify = verifier();
    for (let i = 0; i < 5; i += 1) {
      const { principal, expiresAt } = await verify.verify(await token(first));
      expect(principal).toEqual({ subject: 'alice', roles: ['finance'], storeIds: [], customerId: undefined, partnerId: undefined });
      expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    }
    expect(fetches).toBe(1);
  });

  it('rotation: accepts a new key id after the IdP publishes it, and refuses the removed key once the cache expires', async () => {
    const oldKey = await key('old');
    const newKey = await key('new', 'ES256');
    published = [oldKey.publicJwk];
    const verify = verifier({ cacheMaxAgeMs: 300 });
    await expect(verify.verify(await token(oldKey))).resolves.toBeDefined();
    // The IdP rotates: new key published alongside the old one. An unknown kid fetches the set again.
    published = [oldKey.publicJwk, newKey.publicJwk];
    await expect(verify.verify(await token(newKey))).resolves.toMatchObject({ principal: { subject: 'alice' } });
    expect(fetches).toBe(2);
    // The IdP retires the old key. Within the cache age it still verifies; after it, it is refused.
    published = [newKey.publicJwk];
    const oldToken = await token(oldKey);
    await new Promise((resolve) => setTimeout(resolve, 350));
    await expect(verify.verify(oldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(verify.verify(await token(newKey))).resolves.toBeDefined();
  });

  it('does not refetch for an unknown key id during the cooldown (forged kids cannot hammer the IdP)', async () => {
    const known = await key('known');
    const unknown = await key('unknown');
    published = [known.publicJwk];
    const verify = verifier({ cooldownMs: 60_000 });
    await verify.verify(await token(known));
    for (let i = 0; i < 3; i += 1) await expect(verify.verify(await token(unknown))).rejects.toThrow();
    expect(fetches).toBe(1);
  });

  it('refuses a wrong issuer, a wrong audience and an algorithm not allowed', async () => {
    const rsa = await key('rsa');
    const ec384 = await key('ec384', 'ES384');
    published = [rsa.publicJwk, ec384.publicJwk];
    const verify = verifier();
    await expect(verify.verify(await token(rsa, { roles: ['finance'] }, { iss: 'https://evil.example/' }))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'iss',
    });
    await expect(verify.verify(await token(rsa, { roles: ['finance'] }, { aud: 'another-api' }))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'aud',
    });
    await expect(verify.verify(await token(ec384))).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
    await expect(verifier({ algorithms: ['ES256'] }).verify(await token(rsa))).rejects.toMatchObject({ code: 'ERR_JOSE_ALG_NOT_ALLOWED' });
  });

  it('refuses a token without exp, and one whose groups map to no role of ours', async () => {
    const rsa = await key('rsa2');
    published = [rsa.publicJwk];
    const noExp = await new SignJWT({ roles: ['finance'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa2' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('alice')
      .sign(rsa.privateKey);
    await expect(verifier().verify(noExp)).rejects.toMatchObject({ claim: 'exp' });
    await expect(verifier().verify(await token(rsa, { roles: ['Everyone'] }))).rejects.toThrow(/names no role of ours/);
  });

  it('refuses (does not hang) when the IdP is unreachable', async () => {
    const rsa = await key('rsa3');
    const unreachable = new JwksTokenVerifier({
      jwksUrl: new URL('http://127.0.0.1:1/jwks.json'),
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      cacheMaxAgeMs: 60_000,
    });
    await expect(unreachable.verify(await token(rsa))).rejects.toThrow();
  });
});
