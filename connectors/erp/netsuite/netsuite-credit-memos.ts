/**
 * Credit memos in NetSuite, exactly once per refund: the memo's external id is our refund id, so
 * NetSuite itself refuses a second one, and every attempt starts by asking whether it exists.
 *
 * Two ways in. With a return and a sales order found for the order number, the memo follows
 * NetSuite's own return flow: sales order → return authorization (external id = our return id,
 * created once and shared by the return's refunds) → credit memo transformed from it. Otherwise
 * (an appeasement, or an order NetSuite never saw) the memo is created standalone with its lines.
 * Either way shipping, tax and the restocking fee are lines on configured items, so NetSuite books
 * our amounts exactly instead of recomputing them.
 */
import { CreditMemoConflictError, assertValidCreditMemo, creditMemoParts } from '../credit-memo';
import { ErpRefusedError, ErpUnavailableError, type ErpCreditMemo, type ErpCreditMemoPosting } from '../port';
import { fromNetSuiteAmount, toNetSuiteAmount } from './netsuite-amounts';
import type { Created, NetSuiteClient } from './netsuite-client';
import type { NetSuiteLookups } from './netsuite-lookups';
import type { NetSuiteErpOptions } from './netsuite-options';

/** The fields of a credit memo the connector reads back. */
interface MemoRecord {
  id: string;
  tranId?: string;
  total?: number | string;
  currency?: { id?: string };
}

/** A line of a NetSuite transaction body. */
interface LineBody {
  item: { id: string };
  quantity?: number;
  amount: number;
  description?: string;
}

/** Posts credit memos. */
export class NetSuiteCreditMemos {
  constructor(
    private readonly client: NetSuiteClient,
    private readonly lookups: NetSuiteLookups,
    private readonly options: NetSuiteErpOptions,
  ) {}

  async post(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    assertValidCreditMemo(memo);
    const currencyId = this.lookups.currency(memo.currency);
    const existing = await this.client.getRecord<MemoRecord>('creditMemo', `eid:${memo.refundId}`);
    if (existing) return { erpReference: this.checked(memo, currencyId, existing, 'was posted before'), duplicate: true };
    const created = (await this.viaReturnAuthorization(memo)) ?? (await this.standalone(memo, currencyId));
    if (created.kind === 'duplicate') {
      // Another posting of this refund won the race between our read and our create.
      const winner = await this.client.getRecord<MemoRecord>('creditMemo', `eid:${memo.refundId}`);
      if (!winner) throw new ErpUnavailableError(`NetSuite said memo ${memo.refundId} exists but does not show it yet`);
      return { erpReference: this.checked(memo, currencyId, winner, 'was posted concurrently'), duplicate: true };
    }
    const record = await this.client.getRecord<MemoRecord>('creditMemo', created.id);
    if (!record) throw new ErpUnavailableError(`NetSuite created memo ${created.id} for ${memo.refundId} but does not show it yet`);
    return { erpReference: this.checked(memo, currencyId, record, 'was booked by NetSuite'), duplicate: false };
  }

  /** The memo's tranId, after checking NetSuite holds the total and currency we computed. */
  private checked(memo: ErpCreditMemo, currencyId: string, record: MemoRecord, how: string): string {
    let total: number;
    try {
      total = fromNetSuiteAmount(record.total, memo.currency);
    } catch (error) {
      throw new ErpRefusedError(`NetSuite memo ${record.tranId ?? record.id} for ${memo.refundId}: ${(error as Error).message}`, 'UNREADABLE_TOTAL');
    }
    if (total !== memo.totalMinor || record.currency?.id !== currencyId)
      throw new CreditMemoConflictError(
        `refund ${memo.refundId} ${how} as NetSuite memo ${record.tranId ?? record.id} with total ${total} in currency ${record.currency?.id ?? '?'}, not ${memo.totalMinor} ${memo.currency} (currency ${currencyId})`,
      );
    return record.tranId ?? record.id;
  }

  /** The return flow, or null when the memo has no return or NetSuite has no sales order for it. */
  private async viaReturnAuthorization(memo: ErpCreditMemo): Promise<Created | null> {
    if (!memo.returnId || !memo.orderNumber) return null;
    const merchandise = memo.lines.filter((line) => line.sku !== undefined);
    if (merchandise.length === 0) return null;
    const salesOrder = await this.lookups.salesOrder(memo.orderNumber);
    if (!salesOrder) return null;
    // A transform takes the order's currency: refuse before booking rather than find a memo in another currency.
    const currencyId = this.lookups.currency(memo.currency);
    if (salesOrder.currencyId !== currencyId)
      throw new ErpRefusedError(
        `refund ${memo.refundId} is in ${memo.currency} (currency ${currencyId}) but NetSuite sales order ${salesOrder.id} is in currency ${salesOrder.currencyId}`,
        'CURRENCY_MISMATCH',
      );
    const items = await this.lookups.itemIds(merchandise.map((line) => line.sku as string));
    // No quantity: the memo carries amounts only, so NetSuite takes each line's quantity from the sales order.
    const raLines = merchandise.map(({ sku, netMinor, description }) => ({
      item: { id: items.get(sku as string) as string },
      amount: toNetSuiteAmount(netMinor, memo.currency),
      description,
    }));
    const raId = await this.returnAuthorization(memo.returnId, salesOrder.id, raLines);
    const lines = [
      ...merchandise.map((line) => this.line(items.get(line.sku as string) as string, line.netMinor, memo.currency, line.description)),
      ...memo.lines
        .filter((line) => line.sku === undefined)
        .map((line) => this.line(this.options.miscellaneousItemId, line.netMinor, memo.currency, line.description)),
      ...this.chargeLines(memo),
    ];
    return this.client.create('POST', `returnAuthorization/${raId}/!transform/creditMemo`, {
      externalId: memo.refundId,
      tranDate: memo.occurredAt.slice(0, 10),
      memo: `Returns Graph refund ${memo.refundId}`,
      item: { items: lines },
    });
  }

  /** The return's authorization: found by our return id, or transformed from the sales order once. */
  private async returnAuthorization(returnId: string, salesOrderId: string, lines: LineBody[]): Promise<string> {
    const key = `eid:${returnId}`;
    const found = await this.client.getRecord<{ id: string }>('returnAuthorization', key);
    if (found) return found.id;
    const created = await this.client.create('POST', `salesOrder/${salesOrderId}/!transform/returnAuthorization`, {
      externalId: returnId,
      item: { items: lines },
    });
    if (created.kind === 'created') return created.id;
    const raced = await this.client.getRecord<{ id: string }>('returnAuthorization', key);
    if (!raced) throw new ErpUnavailableError(`NetSuite said return authorization ${returnId} exists but does not show it yet`);
    return raced.id;
  }

  /** A memo with no return flow: every line given, on the customer and location configured. */
  private async standalone(memo: ErpCreditMemo, currencyId: string): Promise<Created> {
    const skus = memo.lines.flatMap((line) => (line.sku !== undefined ? [line.sku] : []));
    const items = await this.lookups.itemIds(skus);
    const lines = [
      ...memo.lines.map((line) =>
        this.line(line.sku !== undefined ? (items.get(line.sku) as string) : this.options.miscellaneousItemId, line.netMinor, memo.currency, line.description),
      ),
      ...this.chargeLines(memo),
    ];
    // POST with the external id, not an upsert: a second create is refused (DUP), where an upsert would rewrite a posted memo.
    return this.client.create('POST', 'creditMemo', {
      externalId: memo.refundId,
      entity: this.lookups.customer(memo.customerId),
      currency: { id: currencyId },
      ...(this.options.subsidiaryId ? { subsidiary: { id: this.options.subsidiaryId } } : {}),
      location: { id: this.options.defaultLocationId },
      tranDate: memo.occurredAt.slice(0, 10),
      otherRefNum: memo.orderNumber ?? memo.orderId,
      memo: `Returns Graph refund ${memo.refundId}`,
      item: { items: lines },
    });
  }

  /** Tax, shipping and the restocking fee as lines on their configured items (zero amounts left out). */
  private chargeLines(memo: ErpCreditMemo): LineBody[] {
    const { merchandiseTaxMinor } = creditMemoParts(memo);
    const lines: LineBody[] = [];
    if (memo.shippingMinor > 0) lines.push(this.line(this.options.shippingItemId, memo.shippingMinor, memo.currency, 'Shipping refunded'));
    if (merchandiseTaxMinor > 0) lines.push(this.line(this.options.salesTaxItemId, merchandiseTaxMinor, memo.currency, 'Sales tax refunded'));
    if (memo.shippingTaxMinor > 0) lines.push(this.line(this.options.salesTaxItemId, memo.shippingTaxMinor, memo.currency, 'Tax on shipping refunded'));
    if (memo.restockingFeeMinor > 0) lines.push(this.line(this.options.restockingFeeItemId, -memo.restockingFeeMinor, memo.currency, 'Restocking fee kept'));
    return lines;
  }

  private line(itemId: string, amountMinor: number, currency: string, description: string): LineBody {
    return { item: { id: itemId }, quantity: 1, amount: toNetSuiteAmount(amountMinor, currency), description };
  }
}
