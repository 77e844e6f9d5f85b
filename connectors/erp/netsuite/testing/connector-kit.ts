/**
 * A NetSuite connector wired to a fake: keys, seeded master data (currencies, customers, items,
 * charge items) and the options that point the connector at them. `startFakeNetSuiteErp` is also
 * what a benchmark uses: a fake with a concurrency limit and a connected `NetSuiteErp`.
 */
import { exportPKCS8, generateKeyPair } from 'jose';
import { NetSuiteErp } from '../netsuite-erp';
import type { NetSuiteErpOptions, NetSuiteJwtAlgorithm } from '../netsuite-options';
import { FakeNetSuite, type FakeNetSuiteOptions } from './fake-netsuite-server';

/** The seeded internal ids the options below refer to. */
export const FAKE_IDS = {
  usd: '1',
  eur: '4',
  defaultCustomer: '77',
  /** A customer whose external id is `cus_known`. */
  knownCustomer: '78',
  miscItem: '900',
  shippingItem: '901',
  restockingFeeItem: '902',
  salesTaxItem: '903',
  tee: '501',
  jeans: '502',
  defaultLocation: '1',
  storeLocation: '2',
  adjustmentAccount: '300',
} as const;

const TBA = { consumerKey: 'ck_fake', consumerSecret: 'cs_fake', tokenId: 'tk_fake', tokenSecret: 'ts_fake' };
const OAUTH2 = { clientId: 'client_fake', certificateId: 'cert_fake' };

/** A fake and the connector options that reach it. */
export interface FakeNetSuiteKit {
  fake: FakeNetSuite;
  options: NetSuiteErpOptions;
}

/** Starts a fake seeded with the `FAKE_IDS` master data, accepting `auth`; returns it with matching connector options. */
export async function startFakeNetSuite(
  auth: 'oauth2' | 'tba' = 'oauth2',
  fakeOptions: FakeNetSuiteOptions = {},
  algorithm: NetSuiteJwtAlgorithm = 'PS256',
): Promise<FakeNetSuiteKit> {
  const { publicKey, privateKey } = await generateKeyPair(algorithm, { extractable: true });
  const fake = await FakeNetSuite.start({
    ...(auth === 'oauth2' ? { oauth2: { ...OAUTH2, publicKey } } : { tba: TBA }),
    ...fakeOptions,
  });
  fake.books.currencies.set(FAKE_IDS.usd, 'USD');
  fake.books.currencies.set(FAKE_IDS.eur, 'EUR');
  fake.books.customers.set(FAKE_IDS.defaultCustomer, null);
  fake.books.customers.set(FAKE_IDS.knownCustomer, 'cus_known');
  for (const [id, itemid] of [
    [FAKE_IDS.miscItem, 'Goodwill'],
    [FAKE_IDS.shippingItem, 'Shipping'],
    [FAKE_IDS.restockingFeeItem, 'Restocking fee'],
    [FAKE_IDS.salesTaxItem, 'Sales tax'],
    [FAKE_IDS.tee, 'SKU-TEE-M'],
    [FAKE_IDS.jeans, 'SKU-JEANS-32'],
  ] as const)
    fake.books.addItem(id, itemid);
  const options: NetSuiteErpOptions = {
    accountId: fake.accountId,
    auth: auth === 'oauth2' ? { kind: 'oauth2-m2m', ...OAUTH2, algorithm, privateKeyPem: await exportPKCS8(privateKey) } : { kind: 'tba', ...TBA },
    apiBase: fake.url,
    timeoutMs: 5_000,
    currencyIds: { USD: FAKE_IDS.usd, EUR: FAKE_IDS.eur },
    defaultCustomerId: FAKE_IDS.defaultCustomer,
    locationIds: { loc_store_1: FAKE_IDS.storeLocation },
    defaultLocationId: FAKE_IDS.defaultLocation,
    miscellaneousItemId: FAKE_IDS.miscItem,
    shippingItemId: FAKE_IDS.shippingItem,
    restockingFeeItemId: FAKE_IDS.restockingFeeItem,
    salesTaxItemId: FAKE_IDS.salesTaxItem,
    adjustmentAccountId: FAKE_IDS.adjustmentAccount,
  };
  return { fake, options };
}

/** For a benchmark: a fake NetSuite limited to `concurrencyLimit` requests in flight (each taking `latencyMs`) and a connector on it. */
export async function startFakeNetSuiteErp(
  settings: { concurrencyLimit?: number; latencyMs?: number; auth?: 'oauth2' | 'tba' } = {},
): Promise<{ fake: FakeNetSuite; erp: NetSuiteErp }> {
  const { fake, options } = await startFakeNetSuite(settings.auth ?? 'oauth2', {
    concurrencyLimit: settings.concurrencyLimit ?? 5,
    latencyMs: settings.latencyMs ?? 0,
  });
  return { fake, erp: new NetSuiteErp(options) };
}
