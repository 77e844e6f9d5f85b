import { NetSuiteErp } from './netsuite-erp';
import { accountHost, type NetSuiteErpOptions } from './netsuite-options';

const valid: NetSuiteErpOptions = {
  accountId: '1234567_SB1',
  auth: { kind: 'tba', consumerKey: 'ck', consumerSecret: 'cs', tokenId: 'ti', tokenSecret: 'ts' },
  currencyIds: { USD: '1' },
  defaultCustomerId: '77',
  defaultLocationId: '1',
  miscellaneousItemId: '900',
  shippingItemId: '901',
  restockingFeeItemId: '902',
  salesTaxItemId: '903',
  adjustmentAccountId: '300',
};

describe('NetSuiteErp options', () => {
  it('accepts valid options and writes the account in host form', () => {
    expect(() => new NetSuiteErp(valid)).not.toThrow();
    expect(accountHost('1234567_SB1')).toBe('1234567-sb1');
  });

  it.each([
    ['accountId', { accountId: 'acme corp' }, /accountId must look like 1234567 or 1234567_SB1, got "acme corp"/],
    ['auth kind', { auth: { kind: 'basic' } }, /auth.kind must be 'oauth2-m2m' or 'tba', got "basic"/],
    ['tba secret', { auth: { ...valid.auth, tokenSecret: '' } }, /auth.tokenSecret must be a non-empty string/],
    ['private key', { auth: { kind: 'oauth2-m2m', clientId: 'c', certificateId: 'k', privateKeyPem: 'nope' } }, /auth.privateKeyPem must be a PKCS#8 PEM/],
    [
      'algorithm',
      { auth: { kind: 'oauth2-m2m', clientId: 'c', certificateId: 'k', privateKeyPem: '-----BEGIN PRIVATE KEY-----', algorithm: 'HS256' } },
      /auth.algorithm must be one of PS256, ES256, RS256, got "HS256"/,
    ],
    ['apiBase', { apiBase: 'http://host/services' }, /apiBase must be an origin/],
    ['timeoutMs', { timeoutMs: 0 }, /timeoutMs must be a positive integer, got 0/],
    ['currencyIds', { currencyIds: { usd: 'one' } }, /currencyIds has a malformed key "usd".*currencyIds.usd must be a NetSuite internal id/],
    ['an item id', { shippingItemId: 'SHIP' }, /shippingItemId must be a NetSuite internal id \(digits\), got "SHIP"/],
    ['salesOrderLookup', { salesOrderLookup: 'tranId' }, /salesOrderLookup must be one of 'externalId', 'otherRefNum', got "tranId"/],
  ])('refuses a bad %s, naming it and the value', (_name, override, message) => {
    expect(() => new NetSuiteErp({ ...valid, ...(override as Partial<NetSuiteErpOptions>) })).toThrow(message);
  });

  it('lists every problem at once', () => {
    expect(() => new NetSuiteErp({ ...valid, accountId: '', defaultCustomerId: 'x', adjustmentAccountId: '' })).toThrow(
      /accountId.*defaultCustomerId.*adjustmentAccountId/,
    );
  });
});
