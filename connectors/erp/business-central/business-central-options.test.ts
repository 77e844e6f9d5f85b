import { BusinessCentralErp } from './business-central-erp';
import type { BusinessCentralOptions } from './bc-options';

const valid: BusinessCentralOptions = {
  tenantId: 'contoso.onmicrosoft.com',
  environment: 'production',
  companyId: '5d1e8c2b-3a4f-4b6c-8d7e-9f0a1b2c3d4e',
  clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  clientSecret: 'a-client-secret-value',
  localCurrency: 'USD',
  accounts: { shipping: '40200', restockingFee: '40300', tax: '22000' },
};

describe('BusinessCentralErp options', () => {
  it('accepts valid options, with a secret or a certificate', () => {
    expect(new BusinessCentralErp(valid)).toBeInstanceOf(BusinessCentralErp);
    const { clientSecret: _unused, ...withoutSecret } = valid;
    const certificate = { thumbprintSha256: 'a'.repeat(64), privateKey: '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----' };
    expect(new BusinessCentralErp({ ...withoutSecret, clientCertificate: certificate })).toBeInstanceOf(BusinessCentralErp);
  });

  it.each<[string, Partial<BusinessCentralOptions>, RegExp]>([
    ['a tenant that is neither a GUID nor a domain', { tenantId: 'not a tenant' }, /tenantId must be an Entra tenant id/],
    ['a company id that is not a GUID', { companyId: 'CRONUS USA, Inc.' }, /companyId must be the company’s id \(a GUID\), but got: "CRONUS USA, Inc."/],
    ['an environment with a slash', { environment: 'prod/x' }, /environment must be/],
    ['a client id that is not a GUID', { clientId: 'my-app' }, /clientId must be/],
    [
      'both a secret and a certificate',
      { clientCertificate: { thumbprintSha256: 'a'.repeat(64), privateKey: 'x' } },
      /exactly one of the two, but got: "both"/,
    ],
    ['an unknown local currency', { localCurrency: 'usd' }, /localCurrency must be an ISO 4217 code/],
    [
      'a missing tax account',
      { accounts: { shipping: '40200', restockingFee: '40300' } as BusinessCentralOptions['accounts'] },
      /accounts\.tax must be a G\/L account number/,
    ],
    ['a customer number with a quote', { defaultCustomerNumber: "C'1" }, /defaultCustomerNumber must be/],
    ['an http authority (msal insists on https)', { authorityHost: 'http://login.microsoftonline.com' }, /authorityHost must be an https origin/],
    ['an API base with a path', { apiBase: 'https://api.businesscentral.dynamics.com/v2.0' }, /apiBase must be an http\(s\) origin/],
    ['merchandise as account without the account', { merchandiseAs: 'account' }, /accounts\.merchandise must be given when merchandiseAs is "account"/],
    ['a zero timeout', { timeoutMs: 0 }, /timeoutMs must be an integer >= 1, but got: 0/],
    ['request limits of zero', { requestLimits: { requestsPerSecond: 0 } }, /requestsPerSecond must be a number above 0/],
    ['authority metadata that is not JSON', { authorityMetadata: '{' }, /authorityMetadata must be a JSON OpenID configuration/],
  ])('refuses %s, naming the option', (_case, override, message) => {
    expect(() => new BusinessCentralErp({ ...valid, ...override })).toThrow(message);
  });

  it('never shows the secret in its refusal', () => {
    const error = (() => {
      try {
        new BusinessCentralErp({ ...valid, clientSecret: 'short' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).toMatch(/clientSecret must be a client secret string, but got: "\(hidden\)"/);
    expect(error?.message).not.toContain('short');
  });
});
