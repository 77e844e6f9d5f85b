/**
 * The Dynamics 365 Business Central adapter of the ERP port, on BC API v2.0 with an app-only
 * Entra token. The one rule: a credit memo's `externalDocumentNumber` is our refund id, and every
 * posting starts by looking it up, so a retry after a timeout or a crash at any step finds what
 * the last attempt left — a posted memo (answered as a duplicate) or a draft (completed, then
 * posted) — and one refund never gets two memos.
 */
import { assertValidCreditMemo, CreditMemoConflictError, InvalidCreditMemoError } from '../credit-memo';
import {
  ErpRefusedError,
  ErpUnavailableError,
  type ErpConnector,
  type ErpCreditMemo,
  type ErpCreditMemoPosting,
  type ErpCreditMemoRecord,
  type ErpStockMovement,
  type RecordWindow,
} from '../port';
import { fromBcAmount } from './bc-amounts';
import { BcClient, odataString, type BcEntity } from './bc-client';
import { withFreshEtag } from './bc-concurrency';
import { plannedLines, syncLines } from './bc-lines';
import { listPostedCreditMemos } from './bc-listing';
import {
  BC_EXTERNAL_DOCUMENT_NUMBER_MAX,
  validateBusinessCentralOptions,
  type BusinessCentralOptions,
  type ValidatedBusinessCentralOptions,
} from './bc-options';

/** Statuses of a memo not yet posted; every other status (`Open`, `Paid`, `Canceled`, `Corrective`) is a posted document. */
const UNPOSTED_STATUSES: ReadonlySet<string> = new Set(['Draft', 'In Review']);
/** BC's customer and item numbers are Code[20]; anything else cannot be one. */
const BC_NUMBER = /^[^']{1,20}$/;

const isPosted = (memo: BcEntity) => !UNPOSTED_STATUSES.has(String(memo.status));

/** Posts credit memos to one BC company. One instance per company; safe to share across requests. */
export class BusinessCentralErp implements ErpConnector {
  private readonly options: ValidatedBusinessCentralOptions;
  private readonly client: BcClient;
  /** Postings in flight in this process by refund id: a concurrent repeat waits for the first instead of racing it to a second draft. */
  private readonly inFlight = new Map<string, Promise<ErpCreditMemoPosting>>();

  constructor(options: BusinessCentralOptions) {
    this.options = validateBusinessCentralOptions(options);
    this.client = new BcClient(this.options);
  }

  /**
   * BC API v2.0 has no write for item ledger entries or item journals (README), so movements go to
   * the configured `stockLedger`; without one nothing is booked and the answer is 0. BC's own
   * inventory moves when a memo's Item lines post.
   */
  async postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    return this.options.stockLedger ? this.options.stockLedger.postStockMovements(movements) : 0;
  }

  /** Posts the memo (or finds it posted) and answers the posted memo's number. */
  async postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    assertValidCreditMemo(memo);
    if (memo.refundId.length > BC_EXTERNAL_DOCUMENT_NUMBER_MAX) {
      const problem = `refundId must fit BC's externalDocumentNumber (${BC_EXTERNAL_DOCUMENT_NUMBER_MAX} characters), got ${memo.refundId.length}`;
      throw new InvalidCreditMemoError(`credit memo for refund ${memo.refundId} is invalid: ${problem}`, [problem]);
    }
    const running = this.inFlight.get(memo.refundId);
    if (running) return { ...(await running), duplicate: true };
    const posting = this.post(memo).finally(() => this.inFlight.delete(memo.refundId));
    this.inFlight.set(memo.refundId, posting);
    return posting;
  }

  /** Posted memos with a posting date in `window` (BC posting dates are days: see `bc-listing.ts`). */
  async listCreditMemos(window: RecordWindow): Promise<ErpCreditMemoRecord[]> {
    return listPostedCreditMemos(this.client, window, this.options.localCurrency);
  }

  private async post(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    const found = await this.memosOf(memo.refundId);
    const posted = found.find(isPosted);
    if (posted) return this.duplicateOf(posted, memo);
    const [draft, ...strays] = found;
    // Drafts beyond the first come from a crashed process racing this one; they never post.
    for (const stray of strays) await this.deleteDraft(stray);
    const lines = plannedLines(memo, await this.itemsOf(memo), this.options);
    const memoId = draft ? await this.resumedDraft(draft, memo) : await this.createdDraft(memo);
    await syncLines(this.client, memoId, lines);
    const rival = await this.rivalOf(memoId, memo);
    return rival ?? this.postDraft(memoId, memo);
  }

  /** BC's memos with our refund id as external document number, oldest (lowest number) first. */
  private async memosOf(refundId: string): Promise<BcEntity[]> {
    const { value } = await this.client.send<{ value: BcEntity[] }>({
      method: 'GET',
      path: `salesCreditMemos?$filter=externalDocumentNumber eq ${odataString(refundId)}`,
    });
    return value.sort((a, b) => String(a.number).localeCompare(String(b.number), 'en', { numeric: true }));
  }

  /**
   * Another process may have drafted (or posted) the same refund while we built ours. Just before
   * posting we look again: a posted rival makes ours a duplicate (our draft is deleted); an older
   * draft wins, so we delete ours and step back (the retry finds it). This narrows the cross-process
   * window to the moment between this read and the post; callers serialise a refund's postings
   * (the refunds outbox does), which closes it.
   */
  private async rivalOf(memoId: string, memo: ErpCreditMemo): Promise<ErpCreditMemoPosting | null> {
    const found = await this.memosOf(memo.refundId);
    const ours = found.find((m) => m.id === memoId);
    const posted = found.find((m) => m.id !== memoId && isPosted(m));
    if (posted) {
      if (ours && !isPosted(ours)) await this.deleteDraft(ours);
      return this.duplicateOf(posted, memo);
    }
    if (!ours) throw new ErpUnavailableError(`Business Central draft of refund ${memo.refundId} disappeared while it was being completed; retry`);
    const older = found.slice(0, found.indexOf(ours))[0];
    if (!older) return null;
    await this.deleteDraft(ours);
    throw new ErpUnavailableError(`another attempt is completing Business Central draft ${String(older?.number)} of refund ${memo.refundId}; retry`);
  }

  /** A posted memo for this refund: the same total and currency is a repeat; anything else is our bug. */
  private duplicateOf(posted: BcEntity, memo: ErpCreditMemo): ErpCreditMemoPosting {
    const currency = this.currencyOf(posted);
    const totalMinor = fromBcAmount(posted.totalAmountIncludingTax, currency);
    if (currency !== memo.currency || totalMinor !== memo.totalMinor) {
      throw new CreditMemoConflictError(
        `refund ${memo.refundId} was posted to Business Central as ${String(posted.number)} for ${totalMinor} ${currency}, not ${memo.totalMinor} ${memo.currency}`,
      );
    }
    return { erpReference: String(posted.number), duplicate: true };
  }

  private async createdDraft(memo: ErpCreditMemo): Promise<string> {
    const created = await this.client.send<BcEntity>({
      method: 'POST',
      path: 'salesCreditMemos',
      body: {
        externalDocumentNumber: memo.refundId,
        customerNumber: await this.customerNumberOf(memo),
        currencyCode: this.bcCurrency(memo.currency),
        creditMemoDate: new Date(memo.occurredAt).toISOString().slice(0, 10),
      },
    });
    return created.id;
  }

  /** A draft left by a crashed attempt: its currency is corrected if it differs (customer and date stay as first chosen). */
  private async resumedDraft(draft: BcEntity, memo: ErpCreditMemo): Promise<string> {
    const currencyCode = this.bcCurrency(memo.currency);
    if (draft.currencyCode !== currencyCode) {
      const path = `salesCreditMemos(${draft.id})`;
      await withFreshEtag(this.client, path, draft['@odata.etag'], (etag) =>
        this.client.send({ method: 'PATCH', path, ifMatch: etag, body: { currencyCode } }),
      );
    }
    return draft.id;
  }

  /** Deletes a draft with its ETag; one already gone (another attempt deleted it) is what we wanted. */
  private async deleteDraft(draft: BcEntity): Promise<void> {
    const path = `salesCreditMemos(${draft.id})`;
    try {
      await withFreshEtag(this.client, path, draft['@odata.etag'], (etag) => this.client.send({ method: 'DELETE', path, ifMatch: etag }));
    } catch (error) {
      if (!(error instanceof ErpRefusedError && error.code === 'BadRequest_NotFound')) throw error;
    }
  }

  /**
   * Reads the draft back, refuses to post it unless BC's total including tax is ours to the minor
   * unit (`TOTAL_MISMATCH`: the draft stays for a person to look at), then posts it with its
   * ETag and answers the posted number. Someone else posting it meanwhile is a duplicate.
   */
  private async postDraft(memoId: string, memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    const path = `salesCreditMemos(${memoId})`;
    const verified = async (): Promise<BcEntity> => {
      const current = await this.client.send<BcEntity>({ method: 'GET', path });
      if (isPosted(current)) return current;
      const bcTotal = fromBcAmount(current.totalAmountIncludingTax, memo.currency);
      if (bcTotal !== memo.totalMinor) {
        throw new ErpRefusedError(
          `Business Central computes ${bcTotal} for draft credit memo ${String(current.number)} of refund ${memo.refundId}, not our ${memo.totalMinor} ${memo.currency}; not posted (check the tax setup of its lines)`,
          'TOTAL_MISMATCH',
        );
      }
      return current;
    };
    const draft = await verified();
    if (isPosted(draft)) return this.duplicateOf(draft, memo);
    const seen: { postedByOther?: BcEntity } = {};
    await withFreshEtag(
      this.client,
      path,
      draft['@odata.etag'],
      (etag) => (seen.postedByOther ? Promise.resolve(null) : this.client.send({ method: 'POST', path: `${path}/Microsoft.NAV.post`, ifMatch: etag })),
      async () => {
        const fresh = await verified();
        if (isPosted(fresh)) seen.postedByOther = fresh;
        return fresh;
      },
    );
    if (seen.postedByOther) return this.duplicateOf(seen.postedByOther, memo);
    const posted = await this.client.send<BcEntity>({ method: 'GET', path });
    return { erpReference: String(posted.number), duplicate: false };
  }

  /** The memo's SKUs that are BC items, looked up by number (none when merchandise is booked to an account). */
  private async itemsOf(memo: ErpCreditMemo): Promise<Set<string>> {
    if (this.options.merchandiseAs === 'account') return new Set();
    const skus = new Set(memo.lines.flatMap((line) => (line.sku !== undefined && BC_NUMBER.test(line.sku) ? [line.sku] : [])));
    const items = new Set<string>();
    for (const sku of skus) {
      const { value } = await this.client.send<{ value: BcEntity[] }>({ method: 'GET', path: `items?$filter=number eq ${odataString(sku)}&$select=id,number` });
      if (value.length > 0) items.add(sku);
    }
    return items;
  }

  /** Our customer id when BC has a customer with that number, else the default; neither → refused. */
  private async customerNumberOf(memo: ErpCreditMemo): Promise<string> {
    const customerId = memo.customerId;
    if (typeof customerId === 'string' && BC_NUMBER.test(customerId)) {
      const { value } = await this.client.send<{ value: BcEntity[] }>({
        method: 'GET',
        path: `customers?$filter=number eq ${odataString(customerId)}&$select=id,number`,
      });
      if (value.length > 0) return customerId;
    }
    if (this.options.defaultCustomerNumber !== undefined) return this.options.defaultCustomerNumber;
    throw new ErpRefusedError(
      `Business Central has no customer "${customerId ?? '(none)'}" for refund ${memo.refundId} and no default customer is configured`,
      'CUSTOMER_NOT_FOUND',
    );
  }

  private bcCurrency(currency: string): string {
    return currency === this.options.localCurrency ? '' : currency;
  }

  private currencyOf(memo: BcEntity): string {
    const code = typeof memo.currencyCode === 'string' ? memo.currencyCode : '';
    return code === '' ? this.options.localCurrency : code;
  }
}
