import { ErpRefusedError, ErpUnavailableError } from '../port';
import { testCreditMemo } from '../testing/erp-kit';
import { BusinessCentralErp } from './business-central-erp';
import { businessCentralOptionsFor, startBusinessCentral, type ConnectedBusinessCentral } from './testing/business-central-kit';

let bc: ConnectedBusinessCentral;
beforeEach(async () => {
  bc = await startBusinessCentral();
});
afterEach(async () => {
  await bc.close();
});

const erpWith = (overrides: Parameters<typeof businessCentralOptionsFor>[1]) => new BusinessCentralErp(businessCentralOptionsFor(bc.fake, overrides));
const failureOf = (promise: Promise<unknown>) => promise.then(() => null).catch((error: unknown) => error);
const memosOf = (refundId: string) => [...bc.fake.books.memos.values()].filter((m) => m.externalDocumentNumber === refundId);

describe('BusinessCentralErp failures', () => {
  it('waits out a 429 for its Retry-After and carries on, posting once', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('throttle', { when: (method, path) => method === 'POST' && path === 'salesCreditMemos' });
    const started = Date.now();
    expect((await bc.erp.postCreditMemo(memo)).duplicate).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
    expect(bc.fake.requests.filter((r) => r.method === 'POST' && r.path === 'salesCreditMemos').map((r) => r.status)).toEqual([429, 201]);
    expect(memosOf(memo.refundId)).toHaveLength(1);
  });

  it('is unavailable with BC’s Retry-After once the 429s outlast its retries', async () => {
    const impatient = erpWith({ maxThrottleRetries: 1 });
    bc.fake.injectFault('throttle', { times: 2 });
    const error = await failureOf(impatient.postCreditMemo(testCreditMemo()));
    expect(error).toBeInstanceOf(ErpUnavailableError);
    expect(error).toMatchObject({ retryAfterMs: 2_000, message: expect.stringContaining('429 Application_TooManyRequests') });
  });

  it('rides out BC’s rate limit, and paced to it meets no 429 at all', async () => {
    await bc.close();
    bc = await startBusinessCentral({ fake: { requestsPerSecond: 8 }, erp: { maxThrottleRetries: 20 } });
    const memo = testCreditMemo();
    expect((await bc.erp.postCreditMemo(memo)).duplicate).toBe(false);
    expect(bc.fake.requests.some((r) => r.outcome === 'throttled')).toBe(true);
    expect(bc.fake.books.journal.filter((p) => p.externalDocumentNumber === memo.refundId)).toHaveLength(1);

    const paced = erpWith({ requestLimits: { requestsPerSecond: 6, burst: 1, maxConcurrency: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // let the window the first posting filled pass
    const before = bc.fake.requests.length;
    await Promise.all([paced.postCreditMemo(testCreditMemo()), paced.postCreditMemo(testCreditMemo())]);
    expect(bc.fake.requests.slice(before).filter((r) => r.outcome === 'throttled')).toEqual([]);
  }, 30_000);

  it('is unavailable during an outage (503) and when BC does not answer in time', async () => {
    bc.fake.outage = true;
    await expect(bc.erp.postCreditMemo(testCreditMemo())).rejects.toBeInstanceOf(ErpUnavailableError);
    bc.fake.outage = false;
    const hasty = erpWith({ timeoutMs: 300 });
    bc.fake.injectFault('hang');
    const started = Date.now();
    await expect(hasty.postCreditMemo(testCreditMemo())).rejects.toThrow(/did not answer/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('books to our customer when BC has it, else to the default customer', async () => {
    const known = testCreditMemo({ customerId: 'CUST-1001' });
    const unknown = testCreditMemo({ customerId: 'cus_not_in_bc' });
    await bc.erp.postCreditMemo(known);
    await bc.erp.postCreditMemo(unknown);
    expect(memosOf(known.refundId)[0]?.customerNumber).toBe('CUST-1001');
    expect(memosOf(unknown.refundId)[0]?.customerNumber).toBe('C-WEB');
  });

  it('refuses a refund whose customer BC does not know, with no usable default', async () => {
    const noDefault = erpWith({ defaultCustomerNumber: undefined });
    await expect(noDefault.postCreditMemo(testCreditMemo({ customerId: 'cus_x' }))).rejects.toMatchObject({
      name: 'ErpRefusedError',
      code: 'CUSTOMER_NOT_FOUND',
    });
    const wrongDefault = erpWith({ defaultCustomerNumber: 'C-GONE' });
    const error = await failureOf(wrongDefault.postCreditMemo(testCreditMemo()));
    expect(error).toBeInstanceOf(ErpRefusedError);
    expect(error).toMatchObject({ code: 'Internal_RecordNotFound', message: expect.stringContaining("No.='C-GONE'") });
  });

  it('refuses a line whose SKU is not a BC item when no merchandise account is configured, creating nothing', async () => {
    const strict = erpWith({ accounts: { shipping: '40200', restockingFee: '40300', tax: '22000' } });
    const memo = testCreditMemo({
      lines: [{ sku: 'SKU-UNKNOWN', description: 'Mystery', netMinor: 5_000, taxMinor: 400 }],
    });
    await expect(strict.postCreditMemo(memo)).rejects.toMatchObject({ name: 'ErpRefusedError', code: 'ITEM_NOT_FOUND' });
    expect(memosOf(memo.refundId)).toHaveLength(0);
    // With one, the line goes to that G/L account.
    await bc.erp.postCreditMemo(memo);
    expect(memosOf(memo.refundId)[0]?.lines[0]).toMatchObject({ lineType: 'Account', lineObjectNumber: '40100', unitPriceMinor: 5_000 });
  });

  it('books merchandise to the G/L account, touching no item, when told to', async () => {
    const accountsOnly = erpWith({ merchandiseAs: 'account' });
    const memo = testCreditMemo();
    await accountsOnly.postCreditMemo(memo);
    expect(
      memosOf(memo.refundId)[0]
        ?.lines.slice(0, 2)
        .map((l) => [l.lineType, l.lineObjectNumber]),
    ).toEqual([
      ['Account', '40100'],
      ['Account', '40100'],
    ]);
    expect(bc.fake.requests.some((r) => r.path.startsWith('items'))).toBe(false);
  });

  it('refuses to post when BC’s total including its own tax differs from ours, leaving the draft', async () => {
    const taxing = erpWith({ nonTaxableTaxCode: undefined });
    const memo = testCreditMemo();
    const error = await failureOf(taxing.postCreditMemo(memo));
    expect(error).toBeInstanceOf(ErpRefusedError);
    expect(error).toMatchObject({ code: 'TOTAL_MISMATCH', message: expect.stringContaining('not our 5640 USD') });
    expect(memosOf(memo.refundId).map((m) => m.status)).toEqual(['Draft']);
    expect(bc.fake.books.journal.filter((p) => p.externalDocumentNumber === memo.refundId)).toHaveLength(0);
  });

  it('asks Entra for a token once and reuses it until it expires', async () => {
    for (let i = 0; i < 3; i++) await bc.erp.postCreditMemo(testCreditMemo());
    expect(bc.fake.tokensIssued).toBe(1);
    expect(bc.fake.requests.every((r) => r.outcome !== 'unauthorized')).toBe(true);
    // A cached token BC no longer accepts (401) is replaced once, past msal's cache.
    bc.fake.expireTokens();
    expect((await bc.erp.postCreditMemo(testCreditMemo())).duplicate).toBe(false);
    expect(bc.fake.tokensIssued).toBe(2);
    expect(bc.fake.requests.filter((r) => r.outcome === 'unauthorized')).toHaveLength(1);
  });

  it('is unavailable, calling no API, when Entra refuses the client secret', async () => {
    const wrong = erpWith({ clientSecret: 'not-the-secret-value' });
    await expect(wrong.postCreditMemo(testCreditMemo())).rejects.toThrow(/Entra ID refused.*AADSTS7000215/s);
    expect(bc.fake.requests).toHaveLength(0);
  });
});
