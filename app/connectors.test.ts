import type { PgliteDb } from '../platform/db';
import { openTestPglite } from '../test/support/pglite';
import { buildConnectors, type PaymentsSettings } from './connectors';
import { defaultSubgraphSettings, subgraphNamed } from './subgraphs';

const STRIPE: PaymentsSettings = {
  mode: 'providers',
  providers: [{ provider: 'stripe', secretKey: 'sk_test_0123456789abcdef', webhookSecret: 'whsec_0123456789abcdef' }],
};

describe('connectors chosen by app/', () => {
  let db: PgliteDb;
  beforeAll(async () => {
    // Nothing here queries it: connectors and subgraph definitions only hold the database.
    db = await openTestPglite();
  });
  afterAll(() => db.close());

  it('pays through Stripe and the store-credit ledger in provider mode, with Stripe webhooks served by refunds', () => {
    const settings = { ...defaultSubgraphSettings(), payments: STRIPE };
    const connectors = buildConnectors(db, STRIPE);
    expect(connectors.payments.gateways.map((gateway) => gateway.provider)).toEqual(['stripe', 'store_credit']);
    expect(connectors.payments.simulated).toBeUndefined();
    expect(Object.keys(subgraphNamed('refunds', { db, connectors, settings }).routes ?? {})).toEqual(['/webhooks/stripe']);
  });

  it('stands the simulated gateway in for every provider in simulated mode, with no webhooks', () => {
    const settings = defaultSubgraphSettings();
    const connectors = buildConnectors(db, settings.payments);
    expect(connectors.payments.gateways.map((gateway) => gateway.provider)).toEqual(['store_credit']);
    expect(connectors.payments.simulated?.provider).toBe('simulated');
    expect(subgraphNamed('refunds', { db, connectors, settings }).routes).toEqual({});
  });

  it('refuses a provider list without a provider', () => {
    expect(() => buildConnectors(db, { mode: 'providers', providers: [] })).toThrow(/at least one provider/);
  });

  it('builds new connectors on every call: no module holds them', () => {
    const settings = defaultSubgraphSettings();
    expect(buildConnectors(db, settings.payments).erp).not.toBe(buildConnectors(db, settings.payments).erp);
  });
});
