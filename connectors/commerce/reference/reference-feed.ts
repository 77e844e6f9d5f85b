import type { Db } from '../../../platform/db';
import type { CommerceFeed, CommerceLocation, CommercePage, CommerceProduct } from '../port';
import type { NewOrder } from '../../../contracts/orders';
import { newOrderJson } from './wire';

/** A cursor is the number of the last change read; `0` is before the first. */
function afterSeq(cursor: string | null): number {
  if (cursor === null) return 0;
  if (!/^\d{1,18}$/.test(cursor)) throw new Error(`reference feed cursor must be a change number, but got: ${JSON.stringify(cursor)}`);
  return Number(cursor);
}

/** Rows after the cursor, one more than `limit` asked for to learn whether more follow. */
function page<T>(rows: { updated_seq: number; item: T }[], cursor: string | null, limit: number): CommercePage<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map((row) => row.item), cursor: last ? String(last.updated_seq) : cursor, hasMore: rows.length > limit };
}

/**
 * The reference shop's feed: every change takes the next number of `commerce_ref.change_seq`, and
 * the feed pages by it, so a saved cursor resumes exactly after the last change read and an order
 * changed again reappears with its newest state. The shop writes one change per statement from one
 * process, so numbers become visible in order (a multi-writer platform would need more care).
 */
export class ReferenceFeed implements CommerceFeed {
  constructor(
    private readonly db: Db,
    readonly source: string,
  ) {}

  async changedOrders(cursor: string | null, limit: number): Promise<CommercePage<NewOrder>> {
    const { rows } = await this.db.query<{ updated_seq: number; body: unknown }>(
      `SELECT updated_seq, body FROM commerce_ref.orders WHERE updated_seq > $1 ORDER BY updated_seq LIMIT $2`,
      [afterSeq(cursor), limit + 1],
    );
    return page(
      rows.map((row) => ({ updated_seq: Number(row.updated_seq), item: newOrderJson.parse(row.body) })),
      cursor,
      limit,
    );
  }

  async locations(cursor: string | null, limit: number): Promise<CommercePage<CommerceLocation>> {
    const { rows } = await this.db.query<CommerceLocation & { updated_seq: number } & Record<string, unknown>>(
      `SELECT updated_seq, external_id AS "externalId", location_id AS "locationId", name, kind, city
         FROM commerce_ref.locations WHERE updated_seq > $1 ORDER BY updated_seq LIMIT $2`,
      [afterSeq(cursor), limit + 1],
    );
    return page(
      rows.map(({ updated_seq, ...item }) => ({ updated_seq: Number(updated_seq), item })),
      cursor,
      limit,
    );
  }

  async products(cursor: string | null, limit: number): Promise<CommercePage<CommerceProduct>> {
    const { rows } = await this.db.query<CommerceProduct & { updated_seq: number } & Record<string, unknown>>(
      `SELECT updated_seq, sku, title, category, external_id AS "externalId" FROM commerce_ref.products WHERE updated_seq > $1 ORDER BY updated_seq LIMIT $2`,
      [afterSeq(cursor), limit + 1],
    );
    return page(
      rows.map(({ updated_seq, ...item }) => ({ updated_seq: Number(updated_seq), item })),
      cursor,
      limit,
    );
  }
}
