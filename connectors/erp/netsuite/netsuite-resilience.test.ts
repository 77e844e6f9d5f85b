import { testCreditMemo } from '../testing/erp-kit';
import { ErpRefusedError, ErpUnavailableError } from '../port';
import { ThrottledErp } from '../throttled-erp';
import { NetSuiteErp } from './netsuite-erp';
import { FAKE_IDS, startFakeNetSuite, type FakeNetSuiteKit } from './testing/connector-kit';

let kit: FakeNetSuiteKit;
beforeEach(async () => {
  kit = await startFakeNetSuite('oauth2');
});
afterEach(async () => {
  await kit.fake.stop();
});

/** A sales order in the fake for `orderNumber`: a tee ×1 and jeans ×2. */
function seedSalesOrder(orderNumber: string): void {
  kit.fake.books.addSalesOrder({
    id: '7001',
    otherRefNum: orderNumber,
    entity: FAKE_IDS.knownCustomer,
    currency: FAKE_IDS.usd,
    lines: [
      { item: FAKE_IDS.tee, quantity: 1, amountCents: 2_000 },
      { item: FAKE_IDS.jeans, quantity: 2, amountCents: 6_000 },
    ],
  });
}

describe('NetSuite under load and failure', () => {
  it('answers a 429 storm with ErpUnavailableError carrying Retry-After, then books once on the retry', async () => {
    const erp = new NetSuiteErp(kit.options);
    const memo = testCreditMemo();
    kit.fake.storm429(3);
    const error = await erp.postCreditMemo(memo).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpUnavailableError);
    expect(error).toMatchObject({ retryAfterMs: 1_000, message: expect.stringContaining('REQUEST_LIMIT_EXCEEDED') });
    // Each attempt spends at least one request of the storm: the third retry at the latest gets through.
    const attempts = [];
    for (let i = 0; i < 3; i += 1) attempts.push(await erp.postCreditMemo(memo).catch((e: unknown) => e));
    const posted = attempts.filter((a) => !(a instanceof ErpUnavailableError));
    expect(posted[0]).toMatchObject({ duplicate: false });
    expect(kit.fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(1);
  });

  it('treats an outage (503) and governance (SSS_REQUEST_LIMIT_EXCEEDED) as retry-later', async () => {
    const erp = new NetSuiteErp(kit.options);
    kit.fake.outage(60_000);
    await expect(erp.postCreditMemo(testCreditMemo())).rejects.toMatchObject({ name: 'ErpUnavailableError', retryAfterMs: 2_000 });
    kit.fake.advance(61_000);
    kit.fake.governance(1);
    await expect(erp.postCreditMemo(testCreditMemo())).rejects.toMatchObject({
      name: 'ErpUnavailableError',
      message: expect.stringContaining('SSS_REQUEST_LIMIT_EXCEEDED'),
    });
    expect((await erp.postCreditMemo(testCreditMemo())).duplicate).toBe(false);
  });

  it('answers a memo NetSuite booked but whose answer was lost with the same memo, marked duplicate, booked once', async () => {
    const erp = new NetSuiteErp(kit.options);
    const memo = testCreditMemo();
    kit.fake.dropAnswers(1);
    await expect(erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    const booked = kit.fake.books.find('creditMemo', `eid:${memo.refundId}`);
    expect(await erp.postCreditMemo(memo)).toEqual({ erpReference: booked?.tranId, duplicate: true });
    expect(kit.fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(1);
  });

  it('recovers a return authorization created before a lost answer instead of creating a second', async () => {
    const erp = new NetSuiteErp(kit.options);
    seedSalesOrder('R-CRASH');
    const memo = testCreditMemo({ orderNumber: 'R-CRASH' });
    kit.fake.dropAnswers(1);
    await expect(erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    expect((await erp.postCreditMemo(memo)).duplicate).toBe(false);
    expect(kit.fake.books.bookingsOf('returnAuthorization', memo.returnId as string)).toHaveLength(1);
    expect(kit.fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(1);
  });

  it('books one authorization and one memo for concurrent postings of one refund through the return flow', async () => {
    const erp = new NetSuiteErp(kit.options);
    seedSalesOrder('R-RACE');
    const memo = testCreditMemo({ orderNumber: 'R-RACE' });
    const answers = await Promise.all(Array.from({ length: 4 }, () => erp.postCreditMemo(memo)));
    expect(new Set(answers.map((a) => a.erpReference)).size).toBe(1);
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    expect(kit.fake.books.bookingsOf('returnAuthorization', memo.returnId as string)).toHaveLength(1);
    expect(kit.fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(1);
  });

  it('meets the concurrency limit with 429 CONCURRENCY_LIMIT_EXCEEDED; behind a throttle of the same size it never does', async () => {
    // 100 ms a request: the six first reads overlap even on a loaded machine.
    const limited = await startFakeNetSuite('oauth2', { concurrencyLimit: 2, latencyMs: 100 });
    try {
      const erp = new NetSuiteErp(limited.options);
      const results = await Promise.allSettled(Array.from({ length: 6 }, () => erp.postCreditMemo(testCreditMemo())));
      const refused = results.filter((r) => r.status === 'rejected');
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused)
        expect((r as PromiseRejectedResult).reason).toMatchObject({
          name: 'ErpUnavailableError',
          message: expect.stringContaining('CONCURRENCY_LIMIT_EXCEEDED'),
        });

      const refusedBefore = limited.fake.requests.filter((r) => r.status === 429).length;
      const throttled = new ThrottledErp(new NetSuiteErp(limited.options), { requestsPerSecond: 1_000, burst: 10, maxConcurrency: 2 });
      const memos = Array.from({ length: 6 }, () => testCreditMemo());
      await Promise.all(memos.map((memo) => throttled.postCreditMemo(memo)));
      for (const memo of memos) expect(limited.fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(1);
      expect(limited.fake.requests.filter((r) => r.status === 429).length).toBe(refusedBefore);
    } finally {
      await limited.fake.stop();
    }
  });

  it('abandons a request that outlives timeoutMs as retry-later', async () => {
    const slow = await startFakeNetSuite('tba', { latencyMs: 400 });
    try {
      await expect(new NetSuiteErp({ ...slow.options, timeoutMs: 100 }).postCreditMemo(testCreditMemo())).rejects.toMatchObject({
        name: 'ErpUnavailableError',
        message: expect.stringMatching(/abort|timeout/i),
      });
    } finally {
      await slow.fake.stop();
    }
  });

  it('refuses for good what NetSuite refuses with a validation code', async () => {
    const erp = new NetSuiteErp({ ...kit.options, defaultCustomerId: '999' });
    const error = await erp.postCreditMemo(testCreditMemo()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpRefusedError);
    expect((error as ErpRefusedError).code).toBe('INVALID_KEY_OR_REF');
  });
});

describe('NetSuite authentication', () => {
  it('fetches one OAuth 2.0 token for many requests and renews it shortly before it expires', async () => {
    const erp = new NetSuiteErp({ ...kit.options, now: () => kit.fake.now() });
    await Promise.all([erp.postCreditMemo(testCreditMemo()), erp.postCreditMemo(testCreditMemo())]);
    kit.fake.advance(3_000_000);
    await erp.postCreditMemo(testCreditMemo());
    expect(kit.fake.auth.tokensIssued).toBe(1);
    // 3 550 s into a 3 600 s token: inside the renewal margin, so a new one before the request.
    kit.fake.advance(550_000);
    await erp.postCreditMemo(testCreditMemo());
    expect(kit.fake.auth.tokensIssued).toBe(2);
    expect(kit.fake.requests.filter((r) => r.status === 401)).toHaveLength(0);
  });

  it('renews a revoked token once on 401 and carries on', async () => {
    const erp = new NetSuiteErp(kit.options);
    await erp.postCreditMemo(testCreditMemo());
    kit.fake.auth.revokeTokens();
    expect((await erp.postCreditMemo(testCreditMemo())).duplicate).toBe(false);
    expect(kit.fake.auth.tokensIssued).toBe(2);
    expect(kit.fake.requests.filter((r) => r.status === 401)).toHaveLength(1);
  });

  it('says plainly when the private key cannot sign with the algorithm chosen, as retry-later', async () => {
    const auth = { ...kit.options.auth, algorithm: 'ES256' } as typeof kit.options.auth;
    await expect(new NetSuiteErp({ ...kit.options, auth }).postCreditMemo(testCreditMemo())).rejects.toMatchObject({
      name: 'ErpUnavailableError',
      message: expect.stringContaining('auth.privateKeyPem cannot sign ES256'),
    });
  });

  it('signs with ES256 when told to', async () => {
    const es = await startFakeNetSuite('oauth2', {}, 'ES256');
    try {
      expect((await new NetSuiteErp(es.options).postCreditMemo(testCreditMemo())).duplicate).toBe(false);
    } finally {
      await es.fake.stop();
    }
  });

  it('answers retry-later, never refused, when NetSuite will not accept our credentials', async () => {
    const tba = await startFakeNetSuite('tba');
    try {
      const auth = { ...tba.options.auth, tokenSecret: 'wrong' } as typeof tba.options.auth;
      await expect(new NetSuiteErp({ ...tba.options, auth }).postCreditMemo(testCreditMemo())).rejects.toMatchObject({
        name: 'ErpUnavailableError',
        message: expect.stringContaining('INVALID_LOGIN'),
      });
      expect(tba.fake.requests.filter((r) => r.status === 401)).toHaveLength(2);
    } finally {
      await tba.fake.stop();
    }
    const other = await startFakeNetSuite('oauth2');
    try {
      // A key NetSuite has not mapped: the token endpoint refuses the assertion.
      await expect(new NetSuiteErp({ ...other.options, auth: kit.options.auth }).postCreditMemo(testCreditMemo())).rejects.toMatchObject({
        name: 'ErpUnavailableError',
        message: expect.stringContaining('invalid_grant'),
      });
    } finally {
      await other.fake.stop();
    }
  });
});
