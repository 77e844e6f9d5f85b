import { ClientTokenVerifier, generateSigningKeys, signClientToken } from './tokens';
import { DEFAULT_CLAIMS_MAPPING, parseRoleMap } from './claims-mapping';

const alice = { subject: 'alice', roles: ['finance' as const], storeIds: [] };

describe('ClientTokenVerifier (the local key)', () => {
  it('checks the local issuer and audience by default, and others when AUTH_ISSUER/AUTH_AUDIENCE say so', async () => {
    const keys = await generateSigningKeys({ kid: true });
    const local = await ClientTokenVerifier.fromPublicJwk(keys.publicJwk);
    const trial = await ClientTokenVerifier.fromPublicJwk(keys.publicJwk, { issuer: 'https://trial/', audience: 'trial-api' });
    const plain = await signClientToken(alice, keys.privateJwk);
    const named = await signClientToken(alice, keys.privateJwk, 60, { issuer: 'https://trial/', audience: 'trial-api' });
    await expect(local.verify(plain)).resolves.toMatchObject({ principal: { subject: 'alice' } });
    await expect(trial.verify(named)).resolves.toMatchObject({ principal: { subject: 'alice' } });
    await expect(local.verify(named)).rejects.toMatchObject({ claim: 'iss' });
    await expect(trial.verify(plain)).rejects.toMatchObject({ claim: 'iss' });
  });

  it('applies the claims mapping: with AUTH_ROLE_MAP, our own role names are not roles', async () => {
    const keys = await generateSigningKeys();
    const mapped = await ClientTokenVerifier.fromPublicJwk(keys.publicJwk, { claims: { ...DEFAULT_CLAIMS_MAPPING, roleMap: parseRoleMap('Fin=finance') } });
    await expect(mapped.verify(await signClientToken(alice, keys.privateJwk))).rejects.toThrow(/names no role/);
  });
});
