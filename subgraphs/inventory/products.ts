import type { Queryable } from '../../platform/db';
import type { Connection, Cursor } from '../../platform/graphql/connection';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { authorize, type Principal } from '../../platform/auth';
import { InventoryMessages, type InventoryUserError } from './user-errors';
import { errorsOf, MAX_PRODUCT_TEXT, patternError, SKU, SLUG, textError } from './domain/master-data-rules';

/**
 * The catalog (`inventory.products`): every SKU inventory knows by name and category. Written by
 * `upsertProduct` only; read by `InventoryItem.title`/`category` and the `products` list. No event:
 * nothing consumes catalog changes yet (orders carry each line's title and category themselves).
 */

/** A catalog row as stored. */
export interface ProductRow {
  sku: string;
  title: string;
  category: string;
  source: string | null;
  external_id: string | null;
}

/** An `InventoryItem` as resolvers receive it: its key, and its catalog row when already read (the `products` list). */
export type CatalogItem = { sku: string } & Partial<Pick<ProductRow, 'title' | 'category'>>;

/** A page of the `products` list, as `toConnection` builds it. */
export type ProductPage = Connection<ProductRow>;

/** Input of `upsertProduct`. */
export interface UpsertProductInput {
  sku: string;
  title: string;
  category: string;
  source?: string | null;
  externalId?: string | null;
}

/** What `upsertProduct` stores under its idempotency key and replays. */
export interface UpsertProductResult {
  sku: string | null;
  created: boolean;
  userErrors: InventoryUserError[];
}

/** A refusal: nothing written. */
export const productRefused = (userErrors: InventoryUserError[]): UpsertProductResult => ({ sku: null, created: false, userErrors });

/** The input trimmed and with its slugs lower-cased, as stored. */
function normalised(input: UpsertProductInput): ProductRow {
  return {
    sku: input.sku.trim(),
    title: input.title.trim(),
    category: input.category.trim().toLowerCase(),
    source: input.source?.trim().toLowerCase() || null,
    external_id: input.externalId?.trim() || null,
  };
}

function productErrors(row: ProductRow): InventoryUserError[] {
  const slug = (field: string) => InventoryMessages.invalidSlug(field);
  return errorsOf(
    patternError('sku', row.sku, SKU, InventoryMessages.invalidSku),
    textError('title', row.title, MAX_PRODUCT_TEXT),
    patternError('category', row.category, SLUG, slug('category')),
    row.source === null ? null : patternError('source', row.source, SLUG, slug('source')),
    row.external_id === null ? null : textError('externalId', row.external_id, MAX_PRODUCT_TEXT),
    row.external_id !== null && row.source === null
      ? { code: 'INVALID_VALUE', field: ['input', 'externalId'], message: InventoryMessages.externalIdWithoutSource }
      : null,
  );
}

/** `upsertProduct`: creates a catalog entry or brings it to the values given; a repeat changes nothing. Audited. */
export async function upsertProduct(tx: WriteTx, principal: Principal, input: UpsertProductInput): Promise<UpsertProductResult> {
  authorize(principal, 'upsertProduct', {});
  const row = normalised(input);
  const errors = productErrors(row);
  if (errors.length > 0) return productRefused(errors);
  const { created, changed } = await registerProduct(tx, row);
  await tx.audit({ principal, action: 'upsertProduct', target: row.sku, details: { created, changed, ...row } });
  return { sku: row.sku, created, userErrors: [] };
}

/**
 * Writes one catalog row in the caller's transaction: inserted, updated when a value differs, or
 * left alone (no write at all, `updated_at` kept). `upsertProduct` and the demo seed use it.
 */
export async function registerProduct(tx: Queryable, row: ProductRow): Promise<{ created: boolean; changed: boolean }> {
  // `xmax = 0` only on a fresh insert; no row when the update's WHERE found nothing different.
  const { rows } = await tx.query<{ inserted: boolean }>(
    `INSERT INTO inventory.products AS p (sku, title, category, source, external_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title, category = EXCLUDED.category, source = EXCLUDED.source,
       external_id = EXCLUDED.external_id, updated_at = now()
      WHERE (p.title, p.category, p.source, p.external_id) IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.category, EXCLUDED.source, EXCLUDED.external_id)
     RETURNING (xmax = 0) AS inserted`,
    [row.sku, row.title, row.category, row.source, row.external_id],
  );
  return { created: rows[0]?.inserted ?? false, changed: rows.length > 0 };
}

/** Catalog rows of several SKUs at once (the `InventoryItem.title` loader). */
export async function productsBySkus(db: Queryable, skus: readonly string[]): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow & Record<string, unknown>>(
    `SELECT sku, title, category, source, external_id FROM inventory.products WHERE sku = ANY($1)`,
    [skus],
  );
  return rows;
}

/** One page of the catalog by SKU, optionally one category, `limit + 1` rows to detect a next page. */
export async function productPage(db: Queryable, category: string | null | undefined, limit: number, after?: Cursor): Promise<ProductRow[]> {
  const { rows } = await db.query<ProductRow & Record<string, unknown>>(
    `SELECT sku, title, category, source, external_id FROM inventory.products
      WHERE ($1::text IS NULL OR category = $1) AND ($2::text IS NULL OR sku > $2)
      ORDER BY sku LIMIT $3`,
    [category?.trim().toLowerCase() || null, after?.id ?? null, limit + 1],
  );
  return rows;
}
