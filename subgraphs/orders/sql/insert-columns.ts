import type { OrderRecord } from '../domain/order-records';
import type { PreparedOrder } from '../store';

/** The columns of each table and how a prepared record fills them, side by side so they cannot drift apart. */
type Columns<T> = readonly (readonly [column: string, value: (row: T) => unknown])[];

export const ORDER_INSERT: Columns<OrderRecord> = [
  ['id', (o) => o.id],
  ['number', (o) => o.number],
  ['source', (o) => o.source],
  ['external_id', (o) => o.externalId],
  ['channel', (o) => o.channel],
  ['store_id', (o) => o.storeId],
  ['marketplace_partner_id', (o) => o.marketplacePartnerId],
  ['customer_id', (o) => o.customerId],
  ['customer_email', (o) => o.customerEmail],
  ['customer_name', (o) => o.customerName],
  ['placed_at', (o) => o.placedAt],
  ['delivered_at', (o) => o.deliveredAt],
  ['cancelled_at', (o) => o.cancelledAt ?? null],
  ['source_updated_at', (o) => o.sourceUpdatedAt ?? null],
  ['currency', (o) => o.currency],
  ['shipping_method', (o) => o.shippingMethod],
  ['shipping_minor', (o) => o.shippingMinor],
  ['shipping_tax_minor', (o) => o.shippingTaxMinor],
  ['subtotal_minor', (o) => o.subtotalMinor],
  ['discount_total_minor', (o) => o.discountTotalMinor],
  ['tax_total_minor', (o) => o.taxTotalMinor],
  ['total_minor', (o) => o.totalMinor],
  ['captured_total_minor', (o) => o.capturedTotalMinor],
];

export const LINE_INSERT: Columns<PreparedOrder['lines'][number]> = [
  ['id', (l) => l.id],
  ['order_id', (l) => l.orderId],
  ['line_number', (l) => l.lineNumber],
  ['sku', (l) => l.sku],
  ['title', (l) => l.title],
  ['category', (l) => l.category],
  ['quantity', (l) => l.quantity],
  ['unit_price_minor', (l) => l.unitPriceMinor],
  ['discount_minor', (l) => l.discountMinor],
  ['tax_minor', (l) => l.taxMinor],
  ['final_sale', (l) => l.finalSale],
  ['total_minor', (l) => l.totalMinor],
];

export const PAYMENT_INSERT: Columns<PreparedOrder['payments'][number]> = [
  ['id', (p) => p.id],
  ['order_id', (p) => p.orderId],
  ['provider', (p) => p.provider],
  ['provider_reference', (p) => p.providerReference],
  ['method', (p) => p.method],
  ['captured_minor', (p) => p.capturedMinor],
  ['captured_at', (p) => p.capturedAt],
];

export const columnNames = <T>(columns: Columns<T>) => columns.map(([column]) => column);
export const rowValues = <T>(columns: Columns<T>, row: T) => columns.map(([, value]) => value(row));
