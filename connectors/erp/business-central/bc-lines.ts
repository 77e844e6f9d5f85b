/**
 * The lines a credit memo becomes in BC, and how a draft's lines are brought to exactly those.
 *
 * Merchandise: one `Item` line per refunded line (quantity 1, unit price = the line's net: our
 * lines carry amounts, not units, so the refunded net is booked as one unit) when the SKU is a BC
 * item, else a line on the configured merchandise G/L account. Shipping, our exact tax and the
 * restocking fee (quantity −1) are G/L account lines. Every line carries the non-taxable tax code
 * when one is configured, so BC adds no tax of its own (README "Tax").
 */
import { ErpRefusedError, type ErpCreditMemo } from '../port';
import { toBcAmount } from './bc-amounts';
import type { BcClient, BcEntity } from './bc-client';
import type { ValidatedBusinessCentralOptions } from './bc-options';
import { withFreshEtag } from './bc-concurrency';

/** BC's line description is Text[100]. */
const BC_DESCRIPTION_MAX = 100;

/** A line as we post it. */
export interface BcLine {
  lineType: 'Item' | 'Account';
  lineObjectNumber: string;
  description: string;
  quantity: number;
  unitPrice: number;
  taxCode?: string;
}

/** The lines of `memo`; `items` holds the SKUs that are BC items. Throws `ErpRefusedError('ITEM_NOT_FOUND')` for a line with nowhere to go. */
export function plannedLines(memo: ErpCreditMemo, items: ReadonlySet<string>, options: ValidatedBusinessCentralOptions): BcLine[] {
  const { accounts, nonTaxableTaxCode } = options;
  const line = (lineType: BcLine['lineType'], lineObjectNumber: string, description: string, amountMinor: number, quantity = 1): BcLine => ({
    lineType,
    lineObjectNumber,
    description: description.slice(0, BC_DESCRIPTION_MAX),
    quantity,
    unitPrice: toBcAmount(amountMinor, memo.currency),
    ...(nonTaxableTaxCode !== undefined && { taxCode: nonTaxableTaxCode }),
  });
  const lines = memo.lines.map((refunded) => {
    if (refunded.sku !== undefined && items.has(refunded.sku)) return line('Item', refunded.sku, refunded.description, refunded.netMinor);
    if (accounts.merchandise !== undefined) return line('Account', accounts.merchandise, refunded.description, refunded.netMinor);
    throw new ErpRefusedError(
      `Business Central has no item "${refunded.sku ?? '(no SKU)'}" and no merchandise G/L account is configured for refund ${memo.refundId}`,
      'ITEM_NOT_FOUND',
    );
  });
  const taxMinor = memo.lines.reduce((sum, l) => sum + l.taxMinor, 0) + memo.shippingTaxMinor;
  if (memo.shippingMinor > 0) lines.push(line('Account', accounts.shipping, 'Shipping refunded', memo.shippingMinor));
  if (taxMinor > 0) lines.push(line('Account', accounts.tax, 'Sales tax refunded', taxMinor));
  if (memo.restockingFeeMinor > 0) lines.push(line('Account', accounts.restockingFee, 'Restocking fee', memo.restockingFeeMinor, -1));
  return lines;
}

const sameTarget = (existing: BcEntity, wanted: BcLine) => existing.lineType === wanted.lineType && existing.lineObjectNumber === wanted.lineObjectNumber;
const sameValues = (existing: BcEntity, wanted: BcLine) =>
  existing.description === wanted.description &&
  existing.quantity === wanted.quantity &&
  existing.unitPrice === wanted.unitPrice &&
  (wanted.taxCode === undefined || existing.taxCode === wanted.taxCode);

/**
 * Makes the draft `memoId`'s lines exactly `wanted`, in order: a matching line is kept, one with
 * the right item or account but other values is PATCHed, and from the first line that names
 * another item or account on, the rest is deleted and re-added (BC appends lines, so order
 * survives only this way). Each write carries the line's ETag.
 */
export async function syncLines(client: BcClient, memoId: string, wanted: readonly BcLine[]): Promise<void> {
  const base = `salesCreditMemos(${memoId})/salesCreditMemoLines`;
  const { value } = await client.send<{ value: BcEntity[] }>({ method: 'GET', path: base });
  const existing = [...value].sort((a, b) => Number(a.sequence) - Number(b.sequence));
  let cut = existing.findIndex((line, i) => i >= wanted.length || !sameTarget(line, wanted[i] as BcLine));
  if (cut === -1) cut = existing.length;
  for (const line of existing.slice(cut)) {
    await withFreshEtag(client, `${base}(${line.id})`, line['@odata.etag'], (etag) =>
      client.send({ method: 'DELETE', path: `${base}(${line.id})`, ifMatch: etag }),
    );
  }
  for (const [i, line] of existing.slice(0, cut).entries()) {
    const target = wanted[i] as BcLine;
    if (sameValues(line, target)) continue;
    const { description, quantity, unitPrice, taxCode } = target;
    await withFreshEtag(client, `${base}(${line.id})`, line['@odata.etag'], (etag) =>
      client.send({ method: 'PATCH', path: `${base}(${line.id})`, ifMatch: etag, body: { description, quantity, unitPrice, ...(taxCode && { taxCode }) } }),
    );
  }
  for (const line of wanted.slice(cut)) await client.send({ method: 'POST', path: base, body: line });
}
