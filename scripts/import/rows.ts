import { z } from 'zod';
import { STOCK_STATES } from '../../contracts/vocabulary';

/**
 * What one record of each kind must hold, as zod schemas that turn a CSV's text cells (or a JSON
 * line's values) into the mutation's input. Only the shape is checked here — a field missing, a
 * number that is not one, an unknown kind or state — so `--dry-run` catches what a spreadsheet
 * gets wrong; the graph's own rules (lengths, id forms, known locations) answer as userErrors.
 */

/** The kinds of import. */
export const KINDS = ['locations', 'products', 'stock', 'orders'] as const;
export type Kind = (typeof KINDS)[number];

/** A whole number from a CSV cell or a JSON number. */
const wholeNumber = z.preprocess((value) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value), z.number().int());

/** `true`/`false`, `yes`/`no`, `1`/`0` (any case) or a JSON boolean. */
const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const text = value.trim().toLowerCase();
  if (['true', 'yes', '1'].includes(text)) return true;
  if (['false', 'no', '0'].includes(text)) return false;
  return value;
}, z.boolean());

/** An enum value, case-insensitive (`store` is STORE). */
const upperEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((value) => (typeof value === 'string' ? value.trim().toUpperCase() : value), z.enum(values));

const text = z.string();

/** locations: id, name, kind, city?, safetyStock?, unopenedReturnsSellable? → `UpsertLocationInput`. */
export const locationRow = z.object({
  id: text,
  name: text,
  kind: upperEnum(['STORE', 'WAREHOUSE'] as const),
  city: text.optional(),
  safetyStock: wholeNumber.optional(),
  unopenedReturnsSellable: flag.optional(),
});

/** products: sku, title, category, source?, externalId? → `UpsertProductInput`. */
export const productRow = z.object({ sku: text, title: text, category: text, source: text.optional(), externalId: text.optional() });

/** stock: sku, locationId, quantity (≥ 0, what the balance is to be), state? (default SELLABLE). */
export const stockRow = z.object({
  sku: text,
  locationId: text,
  quantity: wholeNumber.pipe(z.number().min(0).max(1_000_000)),
  state: upperEnum(STOCK_STATES).default('SELLABLE'),
});
export type StockRow = z.infer<typeof stockRow>;

/**
 * orders: one JSON line per order in `RecordOrderInput`'s shape (what `recordOrder` takes). Only
 * what identifies and groups the order is checked here; the orders subgraph validates the rest
 * and answers with userErrors naming the field.
 */
export const orderRow = z.looseObject({
  source: text,
  externalId: text,
  lines: z.array(z.record(z.string(), z.unknown())).min(1),
});

/** The schema of each kind. */
export const ROW_SCHEMAS = { locations: locationRow, products: productRow, stock: stockRow, orders: orderRow } as const;

/** Rows of one group go in file order: the same location, product, balance or order. */
export function groupOf(kind: Kind, input: Record<string, unknown>): string {
  switch (kind) {
    case 'locations':
      return String(input.id);
    case 'products':
      return String(input.sku);
    case 'stock':
      return `${String(input.sku)}@${String(input.locationId)}`;
    case 'orders':
      return `${String(input.source)}:${String(input.externalId)}`;
  }
}
