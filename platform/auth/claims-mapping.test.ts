import { DEFAULT_CLAIMS_MAPPING, parseRoleMap, principalFromMappedClaims, type ClaimsMapping } from './claims-mapping';
import { claimsFromPrincipal, type Principal } from './principal';

const mapping = (overrides: Partial<ClaimsMapping>): ClaimsMapping => ({ ...DEFAULT_CLAIMS_MAPPING, ...overrides });

describe('principalFromMappedClaims', () => {
  it("reads today's claims unchanged with the default mapping (existing tokens keep working)", () => {
    const principals: Principal[] = [
      { subject: 'user:cus_1', roles: ['customer'], customerId: 'cus_1', storeIds: [], partnerId: undefined },
      { subject: 'user:m', roles: ['store_manager', 'finance'], customerId: undefined, storeIds: ['loc_a', 'loc_b'], partnerId: undefined },
      { subject: 'partner:p', roles: ['marketplace_partner'], customerId: undefined, storeIds: [], partnerId: 'mkp_a' },
    ];
    for (const principal of principals) expect(principalFromMappedClaims({ ...claimsFromPrincipal(principal) })).toEqual(principal);
  });

  it('Okta: groups as one space-separated string, mapped with AUTH_ROLE_MAP; unmapped groups are ignored', () => {
    const okta = mapping({ rolesClaim: 'groups', roleMap: parseRoleMap('Returns-Finance=finance,Everyone=customer') });
    expect(principalFromMappedClaims({ sub: '00u1', groups: 'Returns-Finance Marketing Sales' }, okta).roles).toEqual(['finance']);
    expect(principalFromMappedClaims({ sub: '00u1', groups: ['Marketing', 'Returns-Finance'] }, okta).roles).toEqual(['finance']);
  });

  it('Entra ID: app roles as an array in `roles`', () => {
    const entra = mapping({ roleMap: parseRoleMap('Returns.Finance=finance,Returns.Ops=operations_admin') });
    expect(principalFromMappedClaims({ sub: 'oid-1', roles: ['Returns.Ops', 'Returns.Finance'] }, entra).roles).toEqual(['operations_admin', 'finance']);
  });

  it('Cognito: cognito:groups, store ids from a custom attribute as a comma-separated string', () => {
    const cognito = mapping({ rolesClaim: 'cognito:groups', roleMap: parseRoleMap('store-managers=store_manager'), storeIdsClaim: 'custom:store_ids' });
    expect(principalFromMappedClaims({ sub: 'u-1', 'cognito:groups': ['store-managers'], 'custom:store_ids': 'loc_a,loc_b loc_a' }, cognito)).toMatchObject({
      roles: ['store_manager'],
      storeIds: ['loc_a', 'loc_b'],
    });
  });

  it('Auth0: namespaced claims for roles and the customer id, our role names without a map', () => {
    const auth0 = mapping({ rolesClaim: 'https://returns.example.com/roles', customerIdClaim: 'https://returns.example.com/customer_id' });
    expect(
      principalFromMappedClaims(
        { sub: 'auth0|1', 'https://returns.example.com/roles': ['customer', 'admin'], 'https://returns.example.com/customer_id': 'cus_9' },
        auth0,
      ),
    ).toMatchObject({ roles: ['customer'], customerId: 'cus_9' });
  });

  it('Keycloak: a dotted path into a nested claim', () => {
    expect(
      principalFromMappedClaims({ sub: 'k', realm_access: { roles: ['offline_access', 'service_desk'] } }, mapping({ rolesClaim: 'realm_access.roles' })).roles,
    ).toEqual(['service_desk']);
  });

  it('refuses a token with no known role, no subject, or tenancy claims of the wrong shape', () => {
    expect(() => principalFromMappedClaims({ sub: 'x', roles: ['Everyone'] })).toThrow(/names no role of ours/);
    expect(() => principalFromMappedClaims({ sub: 'x' })).toThrow(/names no role of ours/);
    expect(() => principalFromMappedClaims({ roles: ['finance'] })).toThrow(/subject/);
    expect(() => principalFromMappedClaims({ sub: 'x', roles: ['customer'], customer_id: 42 })).toThrow(/customer_id/);
    expect(() => principalFromMappedClaims({ sub: 'x', roles: ['store_manager'], store_ids: Array.from({ length: 501 }, (_, i) => `loc_${i}`) })).toThrow(
      /store_ids/,
    );
    // With a map, our own role names mean nothing unless mapped: the IdP's names are the only vocabulary.
    expect(() => principalFromMappedClaims({ sub: 'x', roles: ['finance'] }, mapping({ roleMap: parseRoleMap('Fin=finance') }))).toThrow(/names no role/);
  });
});

describe('parseRoleMap', () => {
  it('refuses a pair naming a role we do not have', () => {
    expect(() => parseRoleMap('Admins=superuser')).toThrow(/"Admins=superuser" must map .* to one of customer/);
  });
});
