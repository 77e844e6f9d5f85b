/**
 * A fake Business Central and an adapter connected to it, for tests and the lead's benchmark:
 * `startBusinessCentral({ fake: { requestsPerSecond: 50 } })` gives a rate-limited BC and a
 * `BusinessCentralErp` whose token requests go to the fake (through `authorityMetadata`).
 * The adapter's own pacing is loose here (tests measure behaviour); a benchmark of the production
 * pacing passes `erp: { requestLimits: DEFAULT_BC_REQUEST_LIMITS }` (at 15 requests/s a two-line
 * memo, ~14 requests, posts at about one per second).
 */
import { BusinessCentralErp } from '../business-central-erp';
import type { BusinessCentralOptions } from '../bc-options';
import { FAKE_BC, FakeBusinessCentral, type FakeBusinessCentralOptions } from './fake-business-central';

/** The adapter's options for `fake`: its ids, credentials, accounts and non-taxable code, then `overrides`. */
export function businessCentralOptionsFor(fake: FakeBusinessCentral, overrides: Partial<BusinessCentralOptions> = {}): BusinessCentralOptions {
  return {
    tenantId: FAKE_BC.tenantId,
    environment: FAKE_BC.environment,
    companyId: FAKE_BC.companyId,
    clientId: FAKE_BC.clientId,
    clientSecret: FAKE_BC.clientSecret,
    localCurrency: 'USD',
    accounts: { shipping: '40200', restockingFee: '40300', tax: '22000', merchandise: '40100' },
    defaultCustomerNumber: 'C-WEB',
    nonTaxableTaxCode: 'NONTAXABLE',
    apiBase: fake.url,
    authorityHost: FAKE_BC.authorityHost,
    authorityMetadata: fake.authorityMetadata(),
    timeoutMs: 5_000,
    // Tests measure behaviour, not pacing: far above anything a test sends.
    requestLimits: { requestsPerSecond: 10_000, burst: 100, maxConcurrency: 20 },
    ...overrides,
  };
}

/** A started fake, an adapter connected to it, and how to stop the fake. */
export interface ConnectedBusinessCentral {
  fake: FakeBusinessCentral;
  erp: BusinessCentralErp;
  close(): Promise<void>;
}

/** Starts a fake BC (rate limit, concurrency cap, seed as given) and connects an adapter to it. */
export async function startBusinessCentral(
  options: { fake?: FakeBusinessCentralOptions; erp?: Partial<BusinessCentralOptions> } = {},
): Promise<ConnectedBusinessCentral> {
  const fake = await FakeBusinessCentral.start(options.fake);
  const erp = new BusinessCentralErp(businessCentralOptionsFor(fake, options.erp));
  return { fake, erp, close: () => fake.close() };
}
