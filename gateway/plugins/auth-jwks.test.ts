import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { InternalTokens, JwksTokenVerifier, parseRoleMap, DEFAULT_CLAIMS_MAPPING } from '../../platform/auth';
import { bearerAuth } from './auth';

/** The gateway's bearer authentication, with its token cache, in front of an identity provider's JWKS. */
describe('bearerAuth with a JWKS verifier', () => {
  let server: Server;
  let fetches = 0;

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('verifies an IdP token once, then serves it from the token cache; refuses a token with no mapped role as UNAUTHENTICATED', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    server = createServer((_req, res) => {
      fetches += 1;
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const verifier = new JwksTokenVerifier({
      jwksUrl: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/keys`),
      issuer: 'https://idp.test/',
      audience: 'returns',
      algorithms: ['RS256'],
      cacheMaxAgeMs: 60_000,
      claims: { ...DEFAULT_CLAIMS_MAPPING, rolesClaim: 'groups', roleMap: parseRoleMap('Finance=finance') },
    });
    let verified = 0;
    const counting = { verify: (token: string) => ((verified += 1), verifier.verify(token)) };
    const authenticate = bearerAuth({ verifier: counting, internalTokens: new InternalTokens('x'.repeat(32)) });
    const sign = (groups: string) =>
      new SignJWT({ groups })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer('https://idp.test/')
        .setAudience('returns')
        .setSubject('alice')
        .setExpirationTime('5m')
        .sign(privateKey);
    const token = await sign('Finance Everyone');
    const first = await authenticate(`Bearer ${token}`);
    const second = await authenticate(`Bearer ${token}`);
    expect(first.principal).toMatchObject({ subject: 'alice', roles: ['finance'] });
    expect(second.internalPrincipalToken).toBe(first.internalPrincipalToken);
    expect(verified).toBe(1);
    expect(fetches).toBe(1);
    await expect(authenticate(`Bearer ${await sign('Everyone')}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
