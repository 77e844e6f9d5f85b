import { ErpUnavailableError } from '../port';
import { testCreditMemo } from '../testing/erp-kit';
import { startBusinessCentral, type ConnectedBusinessCentral } from './testing/business-central-kit';

let bc: ConnectedBusinessCentral;
beforeEach(async () => {
  bc = await startBusinessCentral();
});
afterEach(async () => {
  await bc.close();
});

const isPost = (method: string, path: string) => method === 'POST' && path.endsWith('Microsoft.NAV.post');
const postingsOf = (refundId: string) => bc.fake.books.journal.filter((p) => p.externalDocumentNumber === refundId);
const memosOf = (refundId: string) => [...bc.fake.books.memos.values()].filter((m) => m.externalDocumentNumber === refundId);

describe('BusinessCentralErp recovery', () => {
  it('completes and posts the draft a crash left between creating and posting it, once', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('reset_before', { when: isPost });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    expect(memosOf(memo.refundId).map((m) => m.status)).toEqual(['Draft']);

    const answer = await bc.erp.postCreditMemo(memo);
    expect(answer).toEqual({ erpReference: expect.stringMatching(/^PCM-\d+$/), duplicate: false });
    expect(memosOf(memo.refundId)).toHaveLength(1);
    expect(postingsOf(memo.refundId)).toEqual([
      { memoNumber: answer.erpReference, externalDocumentNumber: memo.refundId, totalAmountIncludingTaxMinor: 5_640 },
    ]);
  });

  it('adds the lines a crash kept from the draft before posting it', async () => {
    const memo = testCreditMemo();
    const isLinePost = (method: string, path: string) => method === 'POST' && path.endsWith('/salesCreditMemoLines');
    // The second line is created at BC, but the answer never arrives.
    bc.fake.injectFault('reset_after', {
      when: (() => {
        let seen = 0;
        return (m: string, p: string) => isLinePost(m, p) && ++seen === 2;
      })(),
    });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    expect(memosOf(memo.refundId)[0]?.lines).toHaveLength(2);

    await bc.erp.postCreditMemo(memo);
    const [posted] = memosOf(memo.refundId);
    expect(posted?.lines.map((l) => [l.lineType, l.lineObjectNumber, l.quantity, l.unitPriceMinor, l.taxCode])).toEqual([
      ['Item', 'SKU-TEE-M', 1, 2_000, 'NONTAXABLE'],
      ['Item', 'SKU-JEANS-32', 1, 3_000, 'NONTAXABLE'],
      ['Account', '40200', 1, 500, 'NONTAXABLE'],
      ['Account', '22000', 1, 440, 'NONTAXABLE'],
      ['Account', '40300', -1, 300, 'NONTAXABLE'],
    ]);
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });

  it('corrects a draft line someone changed, with the line’s ETag', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('reset_before', { when: isPost });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    const draft = memosOf(memo.refundId)[0];
    const first = draft?.lines[0];
    if (!draft || !first) throw new Error('no draft line');
    first.unitPriceMinor = 1_999;
    first.version++;

    await bc.erp.postCreditMemo(memo);
    const patch = bc.fake.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({
      path: `salesCreditMemos(${draft.id})/salesCreditMemoLines(${first.id})`,
      ifMatch: bc.fake.books.lineEtag({ ...first, version: first.version - 1 }),
      status: 200,
    });
    expect(postingsOf(memo.refundId)[0]?.totalAmountIncludingTaxMinor).toBe(5_640);
  });

  it('deletes a second draft of the same refund (a crashed racer’s) and posts the first', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('reset_before', { when: isPost });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    const stray = bc.fake.books.createMemo({ externalDocumentNumber: memo.refundId, customerNumber: 'C-WEB', creditMemoDate: '2025-03-01' });

    await bc.erp.postCreditMemo(memo);
    expect(bc.fake.books.memos.has(stray.id)).toBe(false);
    expect(memosOf(memo.refundId).map((m) => m.status)).toEqual(['Open']);
    expect(bc.fake.requests.find((r) => r.method === 'DELETE')).toMatchObject({
      path: `salesCreditMemos(${stray.id})`,
      status: 204,
      ifMatch: expect.stringMatching(/^W\/"/),
    });
  });

  it('re-reads the memo and posts again when its ETag went stale (412)', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('concurrent_edit', { when: isPost });
    const answer = await bc.erp.postCreditMemo(memo);
    expect(answer.duplicate).toBe(false);
    expect(bc.fake.requests.filter((r) => isPost(r.method, r.path)).map((r) => r.status)).toEqual([412, 204]);
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });

  it('steps back as unavailable when the memo changes again after the re-read, posting nothing', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('concurrent_edit', { when: isPost, times: 2 });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    expect(postingsOf(memo.refundId)).toHaveLength(0);
    // The next attempt resumes the draft.
    expect((await bc.erp.postCreditMemo(memo)).duplicate).toBe(false);
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });

  it('answers a repeat whose posting succeeded unseen (connection lost after posting) as a duplicate', async () => {
    const memo = testCreditMemo();
    bc.fake.injectFault('reset_after', { when: isPost });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toBeInstanceOf(ErpUnavailableError);
    const [posting] = postingsOf(memo.refundId);
    expect(await bc.erp.postCreditMemo(memo)).toEqual({ erpReference: posting?.memoNumber, duplicate: true });
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });
});

describe('BusinessCentralErp racing another process', () => {
  const isLineRead = (method: string, path: string) => method === 'GET' && path.endsWith('/salesCreditMemoLines');

  it('answers a duplicate and withdraws its draft when a rival posted the refund meanwhile', async () => {
    const memo = testCreditMemo();
    let rivalNumber = '';
    // While we fill our draft, another process posts its own memo for the same refund.
    bc.fake.injectFault('reset_before', {
      when: (method, path) => {
        if (!isLineRead(method, path) || rivalNumber) return false;
        const rival = bc.fake.books.createMemo({ externalDocumentNumber: memo.refundId, customerNumber: 'C-WEB', creditMemoDate: '2025-03-01' });
        for (const line of [
          { lineObjectNumber: '40100', unitPrice: 50 },
          { lineObjectNumber: '22000', unitPrice: 6.4 },
        ]) {
          bc.fake.books.addLine(rival, { lineType: 'Account', description: 'rival', quantity: 1, taxCode: 'NONTAXABLE', ...line });
        }
        bc.fake.books.post(rival);
        rivalNumber = rival.number;
        return false;
      },
    });
    expect(await bc.erp.postCreditMemo(memo)).toEqual({ erpReference: rivalNumber, duplicate: true });
    expect(memosOf(memo.refundId).map((m) => m.number)).toEqual([rivalNumber]);
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });

  it('steps back and deletes its draft when an older draft of the refund exists, then completes the older one', async () => {
    const memo = testCreditMemo();
    const olderRef: { id?: string } = {};
    bc.fake.injectFault('reset_before', {
      when: (method, path) => {
        if (!isLineRead(method, path) || olderRef.id) return false;
        const older = bc.fake.books.createMemo({ externalDocumentNumber: memo.refundId, customerNumber: 'C-WEB', creditMemoDate: '2025-03-01' });
        older.number = 'S-CR0001';
        olderRef.id = older.id;
        return false;
      },
    });
    await expect(bc.erp.postCreditMemo(memo)).rejects.toThrow(/another attempt is completing .*S-CR0001/);
    expect(memosOf(memo.refundId).map((m) => m.id)).toEqual([olderRef.id]);
    await bc.erp.postCreditMemo(memo);
    expect(memosOf(memo.refundId).map((m) => [m.id, m.status])).toEqual([[olderRef.id, 'Open']]);
    expect(postingsOf(memo.refundId)).toHaveLength(1);
  });
});
