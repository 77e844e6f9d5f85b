import { describeErpConnectorContract } from '../testing/erp-connector.contract';
import { testCreditMemo, testStockMovement } from '../testing/erp-kit';
import { newId } from '../../../platform/ids';
import { ErpRefusedError, type ErpCreditMemoPosting } from '../port';
import { NetSuiteErp } from './netsuite-erp';
import { netSuiteAuth } from './netsuite-auth';
import { FAKE_IDS, startFakeNetSuite, type FakeNetSuiteKit } from './testing/connector-kit';

const kits: Record<'oauth2' | 'tba', FakeNetSuiteKit | undefined> = { oauth2: undefined, tba: undefined };
beforeAll(async () => {
  kits.oauth2 = await startFakeNetSuite('oauth2');
  kits.tba = await startFakeNetSuite('tba');
});
afterAll(async () => {
  await kits.oauth2?.fake.stop();
  await kits.tba?.fake.stop();
});
const kit = (auth: 'oauth2' | 'tba' = 'oauth2'): FakeNetSuiteKit => kits[auth] as FakeNetSuiteKit;

describeErpConnectorContract('netsuite (oauth2)', () => new NetSuiteErp(kit('oauth2').options));
describeErpConnectorContract('netsuite (tba)', () => new NetSuiteErp(kit('tba').options));

/** A sales order in the fake for a new order number: a tee ×1 (20.00) and jeans ×2 (60.00). */
function seedSalesOrder(): string {
  const orderNumber = `R${Math.floor(Math.random() * 1e9)}`;
  kit().fake.books.addSalesOrder({
    id: String(5000 + Math.floor(Math.random() * 1e6)),
    otherRefNum: orderNumber,
    entity: FAKE_IDS.knownCustomer,
    currency: FAKE_IDS.usd,
    lines: [
      { item: FAKE_IDS.tee, quantity: 1, amountCents: 2_000 },
      { item: FAKE_IDS.jeans, quantity: 2, amountCents: 6_000 },
    ],
  });
  return orderNumber;
}

describe('NetSuite return flow', () => {
  it('transforms the sales order into a return authorization, then the authorization into the memo', async () => {
    const erp = new NetSuiteErp(kit().options);
    const { books } = kit().fake;
    const memo = testCreditMemo({ orderNumber: seedSalesOrder() });
    const posting = await erp.postCreditMemo(memo);

    const ra = books.find('returnAuthorization', `eid:${memo.returnId}`);
    const cm = books.find('creditMemo', `eid:${memo.refundId}`);
    expect(ra?.lines.map((l) => [l.item, l.quantity, l.amountCents])).toEqual([
      [FAKE_IDS.tee, 1, 2_000],
      [FAKE_IDS.jeans, 2, 3_000],
    ]);
    expect(cm?.createdFrom).toBe(ra?.id);
    expect(cm?.entity).toBe(FAKE_IDS.knownCustomer);
    expect(cm?.totalCents).toBe(5_640);
    expect(cm?.lines.map((l) => [l.item, l.amountCents])).toEqual([
      [FAKE_IDS.tee, 2_000],
      [FAKE_IDS.jeans, 3_000],
      [FAKE_IDS.shippingItem, 500],
      [FAKE_IDS.salesTaxItem, 400],
      [FAKE_IDS.salesTaxItem, 40],
      [FAKE_IDS.restockingFeeItem, -300],
    ]);
    expect(posting).toEqual({ erpReference: cm?.tranId, duplicate: false });
  });

  it('shares one return authorization between two refunds of the same return', async () => {
    const erp = new NetSuiteErp(kit().options);
    const orderNumber = seedSalesOrder();
    const returnId = newId('return');
    const first = testCreditMemo({ orderNumber, returnId });
    const second = testCreditMemo({ orderNumber, returnId });
    await erp.postCreditMemo(first);
    await erp.postCreditMemo(second);
    const { books } = kit().fake;
    expect(books.bookingsOf('returnAuthorization', returnId)).toHaveLength(1);
    expect(books.find('creditMemo', `eid:${second.refundId}`)?.createdFrom).toBe(books.find('returnAuthorization', `eid:${returnId}`)?.id);
  });

  it('receives returned units on an item receipt from the return authorization, once', async () => {
    const erp = new NetSuiteErp(kit().options);
    const memo = testCreditMemo({ orderNumber: seedSalesOrder() });
    await erp.postCreditMemo(memo);
    const receipt = { ...testStockMovement('SKU-JEANS-32'), quantity: 2, returnId: memo.returnId };
    expect(await erp.postStockMovements([receipt])).toBe(1);
    expect(await erp.postStockMovements([receipt])).toBe(0);
    const { books } = kit().fake;
    const booked = books.find('itemReceipt', `eid:${receipt.movementId}`);
    expect(booked?.createdFrom).toBe(books.find('returnAuthorization', `eid:${memo.returnId}`)?.id);
    expect(booked?.lines).toEqual([expect.objectContaining({ item: FAKE_IDS.jeans, quantity: 2, location: FAKE_IDS.storeLocation })]);
    expect(books.bookingsOf('itemReceipt', receipt.movementId)).toHaveLength(1);
  });

  it('refuses, before booking anything, a memo in another currency than its sales order', async () => {
    const erp = new NetSuiteErp(kit().options);
    const memo = testCreditMemo({ orderNumber: seedSalesOrder(), currency: 'EUR' });
    await expect(erp.postCreditMemo(memo)).rejects.toMatchObject({ name: 'ErpRefusedError', code: 'CURRENCY_MISMATCH' });
    expect(kit().fake.books.bookingsOf('returnAuthorization', memo.returnId as string)).toHaveLength(0);
    expect(kit().fake.books.bookingsOf('creditMemo', memo.refundId)).toHaveLength(0);
  });

  it('refuses to receive more than was authorized, with NetSuite’s code', async () => {
    const erp = new NetSuiteErp(kit().options);
    const memo = testCreditMemo({ orderNumber: seedSalesOrder() });
    await erp.postCreditMemo(memo);
    const error = await erp.postStockMovements([{ ...testStockMovement(), quantity: 3, returnId: memo.returnId }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErpRefusedError);
    expect((error as ErpRefusedError).code).toBe('USER_ERROR');
  });
});

describe('NetSuite standalone memos and stock', () => {
  it('creates a memo with its lines, tax, shipping and fee when NetSuite has no sales order for it', async () => {
    const erp = new NetSuiteErp({ ...kit().options, customerLookup: 'externalId' });
    const memo = testCreditMemo({
      orderNumber: 'R-UNKNOWN',
      customerId: 'cus_known',
      lines: [
        { sku: 'SKU-TEE-M', description: 'T-shirt, M', netMinor: 2_000, taxMinor: 160 },
        { description: 'Goodwill', netMinor: 3_000, taxMinor: 240 },
      ],
    });
    const posting = await erp.postCreditMemo(memo);
    const cm = kit().fake.books.find('creditMemo', `eid:${memo.refundId}`);
    expect(cm?.createdFrom).toBeNull();
    expect(cm?.entity).toBe(FAKE_IDS.knownCustomer);
    expect(cm?.body).toMatchObject({
      currency: { id: FAKE_IDS.usd },
      location: { id: FAKE_IDS.defaultLocation },
      otherRefNum: 'R-UNKNOWN',
      tranDate: '2025-03-01',
    });
    expect(cm?.lines.map((l) => [l.item, l.amountCents])).toEqual([
      [FAKE_IDS.tee, 2_000],
      [FAKE_IDS.miscItem, 3_000],
      [FAKE_IDS.shippingItem, 500],
      [FAKE_IDS.salesTaxItem, 400],
      [FAKE_IDS.salesTaxItem, 40],
      [FAKE_IDS.restockingFeeItem, -300],
    ]);
    expect(posting.erpReference).toBe(cm?.tranId);
  });

  it('refuses a memo for a SKU NetSuite does not have, naming it', async () => {
    const erp = new NetSuiteErp(kit().options);
    const memo = testCreditMemo({ lines: [{ sku: 'SKU-NOPE', description: 'x', netMinor: 5_000, taxMinor: 400 }] });
    await expect(erp.postCreditMemo(memo)).rejects.toMatchObject({
      name: 'ErpRefusedError',
      code: 'UNKNOWN_ITEM',
      message: expect.stringContaining('SKU-NOPE'),
    });
  });

  it('books stock leaving as a negative adjustment and moves between our states as nothing', async () => {
    const erp = new NetSuiteErp(kit().options);
    const scrap = { ...testStockMovement('SKU-TEE-M'), fromState: 'PENDING_INSPECTION', toState: null, reason: 'RETURN_INSPECTED', quantity: 2 };
    const regrade = { ...testStockMovement('SKU-TEE-M'), fromState: 'PENDING_INSPECTION', toState: 'SELLABLE', reason: 'RETURN_INSPECTED' };
    const expected = { ...testStockMovement('SKU-TEE-M'), fromState: null, toState: 'INCOMING', reason: 'RETURN_AUTHORIZED' };
    const before = kit().fake.books.journal.length;
    expect(await erp.postStockMovements([scrap, regrade, expected])).toBe(1);
    expect(kit().fake.books.journal.length).toBe(before + 1);
    expect(kit().fake.books.find('inventoryAdjustment', `eid:${scrap.movementId}`)?.lines).toEqual([
      expect.objectContaining({ item: FAKE_IDS.tee, quantity: -2, location: FAKE_IDS.storeLocation }),
    ]);
  });

  it('lists the memos of a window with refund ids, totals in minor units and ISO currencies, across pages', async () => {
    const { fake, options } = await startFakeNetSuite('oauth2', { suiteQlPageSize: 2 });
    try {
      const erp = new NetSuiteErp(options);
      const from = new Date(fake.now() - 1_000);
      const memos = [testCreditMemo(), testCreditMemo(), testCreditMemo({ currency: 'EUR' })];
      const postings: ErpCreditMemoPosting[] = [];
      for (const memo of memos) postings.push(await erp.postCreditMemo(memo));
      const suiteQlBefore = fake.requests.filter((r) => r.path.endsWith('/suiteql')).length;
      const listed = await erp.listCreditMemos({ from, to: new Date(fake.now() + 60_000) });
      expect(listed).toEqual(
        memos.map((memo, i) => ({
          refundId: memo.refundId,
          erpReference: postings[i]?.erpReference,
          totalMinor: 5_640,
          currency: memo.currency,
          postedAt: expect.any(Date),
        })),
      );
      // Three memos at two rows a page: two pages.
      expect(fake.requests.filter((r) => r.path.endsWith('/suiteql')).length - suiteQlBefore).toBe(2);
      expect(await erp.listCreditMemos({ from: new Date(fake.now() + 60_000), to: new Date(fake.now() + 120_000) })).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});

describe('NetSuite receipts without an authorization, and lost receipt answers', () => {
  it('books arriving units as a positive adjustment when NetSuite has no authorization for the return', async () => {
    const erp = new NetSuiteErp(kit().options);
    const receipt = { ...testStockMovement('SKU-TEE-M'), returnId: newId('return') };
    expect(await erp.postStockMovements([receipt])).toBe(1);
    const { books } = kit().fake;
    expect(books.find('itemReceipt', `eid:${receipt.movementId}`)).toBeUndefined();
    expect(books.find('inventoryAdjustment', `eid:${receipt.movementId}`)?.lines).toEqual([expect.objectContaining({ item: FAKE_IDS.tee, quantity: 1 })]);
  });

  it('counts a receipt NetSuite booked before its answer was lost as booked, once', async () => {
    const erp = new NetSuiteErp(kit().options);
    const memo = testCreditMemo({ orderNumber: seedSalesOrder() });
    await erp.postCreditMemo(memo);
    const receipt = { ...testStockMovement('SKU-TEE-M'), returnId: memo.returnId };
    kit().fake.dropAnswers(1);
    await expect(erp.postStockMovements([receipt])).rejects.toMatchObject({ name: 'ErpUnavailableError' });
    expect(await erp.postStockMovements([receipt])).toBe(0);
    expect(kit().fake.books.bookingsOf('itemReceipt', receipt.movementId)).toHaveLength(1);
  });

  it('finds the sales order by external id when told to', async () => {
    const erp = new NetSuiteErp({ ...kit().options, salesOrderLookup: 'externalId' });
    // A Shopify-style order name: not external-id characters, so it travels percent-encoded.
    const orderNumber = `#${Math.floor(Math.random() * 1e9)}`;
    kit().fake.books.addSalesOrder({
      id: '6001',
      otherRefNum: 'unrelated',
      externalId: orderNumber,
      entity: FAKE_IDS.knownCustomer,
      currency: FAKE_IDS.usd,
      lines: [
        { item: FAKE_IDS.tee, quantity: 1, amountCents: 2_000 },
        { item: FAKE_IDS.jeans, quantity: 1, amountCents: 3_000 },
      ],
    });
    const memo = testCreditMemo({ orderNumber });
    await erp.postCreditMemo(memo);
    expect(kit().fake.books.find('returnAuthorization', `eid:${memo.returnId}`)?.createdFrom).toBe('6001');
  });
});

describe('the fake NetSuite itself', () => {
  it('upserts by external id as NetSuite does: creates, then replaces the record and its quantities', async () => {
    const { fake } = kit('tba');
    const { options } = kit('tba');
    const signer = netSuiteAuth(options.auth, options.accountId, options.apiBase, 5_000);
    const body = (adjustQtyBy: number) =>
      JSON.stringify({
        account: { id: FAKE_IDS.adjustmentAccount },
        inventory: { items: [{ item: { id: FAKE_IDS.jeans }, location: { id: '9' }, adjustQtyBy }] },
      });
    const url = `${fake.url}/services/rest/record/v1/inventoryAdjustment/eid:adj-upsert-1`;
    const put = async (quantity: number) =>
      (
        await fetch(url, {
          method: 'PUT',
          headers: { authorization: await signer.header('PUT', url), 'content-type': 'application/json' },
          body: body(quantity),
        })
      ).status;
    expect(await put(5)).toBe(204);
    expect(await put(3)).toBe(204);
    expect(fake.books.bookingsOf('inventoryAdjustment', 'adj-upsert-1').map((b) => b.how)).toEqual(['create', 'upsert-update']);
    expect(fake.books.onHand.get(`${FAKE_IDS.jeans}|9`)).toBe(3);
  });
});
