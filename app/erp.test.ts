import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './config';
import { erpAccountKey, erpSettings } from './erp';

const NETSUITE_OAUTH2 = {
  ERP_CONNECTOR: 'netsuite',
  NETSUITE_ACCOUNT_ID: '1234567',
  NETSUITE_CLIENT_ID: 'a'.repeat(64),
  NETSUITE_CERTIFICATE_ID: 'cert_0123456789',
  NETSUITE_CURRENCY_IDS: 'USD=1',
  NETSUITE_DEFAULT_CUSTOMER_ID: '812',
  NETSUITE_DEFAULT_LOCATION_ID: '3',
  NETSUITE_MISC_ITEM_ID: '100',
  NETSUITE_SHIPPING_ITEM_ID: '101',
  NETSUITE_RESTOCKING_FEE_ITEM_ID: '102',
  NETSUITE_SALES_TAX_ITEM_ID: '103',
  NETSUITE_ADJUSTMENT_ACCOUNT_ID: '540',
};

describe('ERP settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rg-erp-'));

  it('reads the NetSuite private key file once, and stops naming the setting when it cannot', () => {
    const pem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const file = join(dir, 'netsuite.pem');
    writeFileSync(file, pem);
    const settings = erpSettings(loadConfig({ ...NETSUITE_OAUTH2, NETSUITE_PRIVATE_KEY_FILE: file }));
    expect(settings).toMatchObject({ connector: 'netsuite', netsuite: { auth: { kind: 'oauth2-m2m', privateKeyPem: pem, algorithm: 'PS256' } } });
    expect(erpAccountKey(settings)).toBe('netsuite:1234567');

    expect(() => erpSettings(loadConfig({ ...NETSUITE_OAUTH2, NETSUITE_PRIVATE_KEY_FILE: join(dir, 'missing.pem') }))).toThrow(
      /NETSUITE_PRIVATE_KEY_FILE: cannot be read \(ENOENT\)/,
    );
    const notAKey = join(dir, 'cert.pem');
    writeFileSync(notAKey, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(() => erpSettings(loadConfig({ ...NETSUITE_OAUTH2, NETSUITE_PRIVATE_KEY_FILE: notAKey }))).toThrow(/must hold a PKCS#8 PEM private key/);
  });

  it('gives Business Central its accounts, and one limiter budget per company', () => {
    const settings = erpSettings(
      loadConfig({
        ERP_CONNECTOR: 'business-central',
        BC_TENANT_ID: '0b6c5d5e-8f4a-4c1e-9a3b-2f1d7e6c5b4a',
        BC_ENVIRONMENT: 'Production',
        BC_COMPANY_ID: '6e2f1a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b',
        BC_CLIENT_ID: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        BC_CLIENT_SECRET: 's'.repeat(40),
        BC_LOCAL_CURRENCY: 'USD',
        BC_ACCOUNT_SHIPPING: '40400',
        BC_ACCOUNT_RESTOCKING_FEE: '40450',
        BC_ACCOUNT_TAX: '22300',
      }),
    );
    expect(settings).toMatchObject({
      connector: 'business-central',
      businessCentral: { localCurrency: 'USD', accounts: { shipping: '40400', restockingFee: '40450', tax: '22300' }, merchandiseAs: 'item' },
    });
    expect(erpAccountKey(settings)).toBe('business-central:0b6c5d5e-8f4a-4c1e-9a3b-2f1d7e6c5b4a/Production/6e2f1a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b');
    expect(erpAccountKey(erpSettings(loadConfig({})))).toBe('reference');
  });
});
