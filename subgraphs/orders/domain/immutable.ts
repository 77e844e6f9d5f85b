import type { NewOrder, NewPayment } from '../../../contracts/orders';
import type { OrderLineRecord, OrderRecord, PaymentRecord } from './order-records';
import { OrderMessages, UserErrorCode, userError, type UserError } from './user-errors';

/**
 * What a re-sent order may not change. Lines are what returns and refunds point at, and the
 * header facts decide tenancy and money; changing them after the fact would rewrite history, so
 * a re-send that differs is refused instead of silently applied.
 */
export function immutableChanges(existing: OrderRecord, lines: readonly OrderLineRecord[], incoming: NewOrder): UserError[] {
  const errors: UserError[] = [];
  const header: [keyof OrderRecord, unknown, unknown, string[]][] = [
    ['channel', existing.channel, incoming.channel, ['input', 'channel']],
    ['storeId', existing.storeId, incoming.storeId, ['input', 'storeId']],
    ['marketplacePartnerId', existing.marketplacePartnerId, incoming.marketplacePartnerId, ['input', 'marketplacePartnerId']],
    ['customerId', existing.customerId, incoming.customerId, ['input', 'customer', 'id']],
    ['currency', existing.currency, incoming.currency, ['input', 'currencyCode']],
    ['placedAt', existing.placedAt.getTime(), incoming.placedAt.getTime(), ['input', 'placedAt']],
    ['shippingMethod', existing.shippingMethod, incoming.shipping?.method ?? null, ['input', 'shipping']],
    ['shippingMinor', existing.shippingMinor, incoming.shipping?.amountMinor ?? 0, ['input', 'shipping']],
    ['shippingTaxMinor', existing.shippingTaxMinor, incoming.shipping?.taxMinor ?? 0, ['input', 'shipping']],
  ];
  const reported = new Set<string>();
  for (const [name, before, after, field] of header) {
    const path = field.join('.');
    if (before !== after && !reported.has(path)) {
      reported.add(path);
      errors.push(userError(UserErrorCode.ORDER_FIELD_IMMUTABLE, field, OrderMessages.fieldImmutable(String(name))));
    }
  }
  if (!sameLines(lines, incoming)) errors.push(userError(UserErrorCode.LINES_IMMUTABLE, ['input', 'lines'], OrderMessages.linesImmutable));
  return errors;
}

function sameLines(lines: readonly OrderLineRecord[], incoming: NewOrder): boolean {
  if (lines.length !== incoming.lines.length) return false;
  const ordered = [...lines].sort((a, b) => a.lineNumber - b.lineNumber);
  return ordered.every((line, index) => {
    const other = incoming.lines[index];
    return (
      other !== undefined &&
      line.sku === other.sku &&
      line.title === other.title &&
      line.category === other.category &&
      line.quantity === other.quantity &&
      line.unitPriceMinor === other.unitPriceMinor &&
      line.discountMinor === other.discountMinor &&
      line.taxMinor === other.taxMinor &&
      line.finalSale === other.finalSale
    );
  });
}

/**
 * Captured total after a re-send: payments are keyed by (provider, providerReference); a re-sent
 * one replaces the stored amount, a new one adds, and one missing from the re-send stays (a
 * capture that happened does not un-happen because a webhook omitted it).
 */
export function capturedAfterMerge(existing: readonly PaymentRecord[], incoming: readonly NewPayment[]): number {
  const byKey = new Map<string, number>();
  for (const p of existing) byKey.set(`${p.provider}\u0000${p.providerReference}`, p.capturedMinor);
  for (const p of incoming) byKey.set(`${p.provider}\u0000${p.providerReference}`, p.capturedMinor);
  let sum = 0;
  for (const amount of byKey.values()) sum += amount;
  return sum;
}
