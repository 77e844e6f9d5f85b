import { testCreditMemo } from '../testing/erp-kit';
import { startBusinessCentral, type ConnectedBusinessCentral } from './testing/business-central-kit';

let bc: ConnectedBusinessCentral;
afterEach(async () => {
  await bc.close();
});

const march = (day: number) => `2025-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const window = { from: new Date('2025-03-02T00:00:00.000Z'), to: new Date('2025-03-04T00:00:00.000Z') };

describe('BusinessCentralErp.listCreditMemos', () => {
  it('lists posted memos of the window across pages, with our refund ids and exact totals', async () => {
    bc = await startBusinessCentral({ fake: { pageSize: 2 } });
    const inWindow = [testCreditMemo({ occurredAt: march(2) }), testCreditMemo({ occurredAt: march(3) }), testCreditMemo({ occurredAt: march(3) })];
    const euro = testCreditMemo({ occurredAt: march(3), currency: 'EUR' });
    const outside = [testCreditMemo({ occurredAt: march(1) }), testCreditMemo({ occurredAt: march(4) })];
    const postings = new Map<string, string>();
    for (const memo of [...inWindow, euro, ...outside]) postings.set(memo.refundId, (await bc.erp.postCreditMemo(memo)).erpReference);
    // A memo someone keyed in BC by hand, and a draft: neither is ours to reconcile as a refund.
    const manual = bc.fake.books.createMemo({ externalDocumentNumber: 'RMA-77', customerNumber: 'C-WEB', creditMemoDate: '2025-03-02' });
    bc.fake.books.addLine(manual, {
      lineType: 'Account',
      lineObjectNumber: '40100',
      description: 'Goodwill',
      quantity: 1,
      unitPrice: 12.34,
      taxCode: 'NONTAXABLE',
    });
    bc.fake.books.post(manual);
    bc.fake.books.createMemo({ externalDocumentNumber: 'rfd_DRAFT', customerNumber: 'C-WEB', creditMemoDate: '2025-03-02' });

    const records = await bc.erp.listCreditMemos(window);
    expect(records).toHaveLength(5);
    expect(records).toEqual(
      expect.arrayContaining([
        ...inWindow.map((m) => ({
          refundId: m.refundId,
          erpReference: postings.get(m.refundId),
          totalMinor: 5_640,
          currency: 'USD',
          postedAt: new Date(`${m.occurredAt.slice(0, 10)}T00:00:00.000Z`),
        })),
        {
          refundId: euro.refundId,
          erpReference: postings.get(euro.refundId),
          totalMinor: 5_640,
          currency: 'EUR',
          postedAt: new Date('2025-03-03T00:00:00.000Z'),
        },
        { refundId: null, erpReference: manual.number, totalMinor: 1_234, currency: 'USD', postedAt: new Date('2025-03-02T00:00:00.000Z') },
      ]),
    );
    const pages = bc.fake.requests.filter((r) => r.path.startsWith('salesCreditMemos?$filter=postingDate'));
    expect(pages.length).toBeGreaterThanOrEqual(3);
  });

  it('widens a window to the whole posting days BC records', async () => {
    bc = await startBusinessCentral();
    const memo = testCreditMemo({ occurredAt: march(2) });
    await bc.erp.postCreditMemo(memo);
    const records = await bc.erp.listCreditMemos({ from: new Date('2025-03-02T15:00:00.000Z'), to: new Date('2025-03-02T16:00:00.000Z') });
    expect(records.map((r) => r.refundId)).toEqual([memo.refundId]);
  });

  it('does not follow a next link off BC’s API host, so our token stays with BC', async () => {
    bc = await startBusinessCentral({ fake: { pageSize: 1, nextLinkOrigin: 'https://elsewhere.example' } });
    await bc.erp.postCreditMemo(testCreditMemo({ occurredAt: march(2) }));
    await bc.erp.postCreditMemo(testCreditMemo({ occurredAt: march(2) }));
    await expect(bc.erp.listCreditMemos(window)).rejects.toThrow(/next link off its API host: https:\/\/elsewhere\.example/);
  });
});
