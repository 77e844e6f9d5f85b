import type { Queryable } from '../../../platform/db';
import type { MirroredDisposition, MirroredReturn } from '../../../connectors/commerce/port';

/** Where a return stands on its platform, as `returns.commerce_mirrors` records it. */
export interface MirrorRow {
  return_id: string;
  source: string;
  external_return_id: string;
  status: MirrorStatus;
  updated_at: Date;
}

/** The mirror's own states: open on the platform, closed, or cancelled. */
export type MirrorStatus = 'OPEN' | 'CLOSED' | 'CANCELED';

/** A return as its platform needs it, with the platform it belongs to; null when its order has no platform identity. */
export interface MirrorSubject {
  source: string;
  ret: MirroredReturn;
  mirror: MirrorRow | null;
}

/**
 * The return as the mirror shows it: its order's platform and external id (from the order
 * snapshot), the units authorized per SKU, and the mirror row if one exists. Null when the return
 * is unknown or its order carried no source (recorded before OrderRecorded had one).
 */
export async function mirrorSubject(db: Queryable, returnId: string): Promise<MirrorSubject | null> {
  const { rows } = await db.query<{ source: string | null; external_id: string | null }>(
    `SELECT s.source, s.external_id FROM returns.returns r JOIN returns.order_snapshots s ON s.order_id = r.order_id WHERE r.id = $1`,
    [returnId],
  );
  const order = rows[0];
  if (!order?.source || !order.external_id) return null;
  const lines = await db.query<{ sku: string; quantity: number }>(
    `SELECT sku, sum(quantity)::int8 AS quantity FROM returns.return_lines WHERE return_id = $1 GROUP BY sku ORDER BY sku`,
    [returnId],
  );
  const mirror = await db.query<MirrorRow & Record<string, unknown>>(`SELECT * FROM returns.commerce_mirrors WHERE return_id = $1`, [returnId]);
  return {
    source: order.source,
    ret: { returnId, orderExternalId: order.external_id, lines: lines.rows.map((line) => ({ sku: line.sku, quantity: Number(line.quantity) })) },
    mirror: mirror.rows[0] ?? null,
  };
}

/**
 * Dispositions so far, cumulative per SKU, from `returns.return_line_dispositions`: SELLABLE units
 * were restocked, every other disposition (damaged, refurbish, vendor return, scrap) was not; the
 * location is where the SKU was last inspected.
 */
export async function cumulativeDispositions(db: Queryable, returnId: string): Promise<MirroredDisposition[]> {
  const { rows } = await db.query<{ sku: string; restocked: number; not_restocked: number; location_id: string }>(
    `SELECT l.sku,
            coalesce(sum(d.quantity) FILTER (WHERE d.disposition = 'SELLABLE'), 0)::int8 AS restocked,
            coalesce(sum(d.quantity) FILTER (WHERE d.disposition <> 'SELLABLE'), 0)::int8 AS not_restocked,
            (array_agg(d.location_id ORDER BY d.id DESC))[1] AS location_id
       FROM returns.return_line_dispositions d JOIN returns.return_lines l ON l.id = d.return_line_id
      WHERE l.return_id = $1 GROUP BY l.sku ORDER BY l.sku`,
    [returnId],
  );
  return rows.map((row) => ({ sku: row.sku, restocked: Number(row.restocked), notRestocked: Number(row.not_restocked), locationId: row.location_id }));
}

/** Mirror rows of these returns (the `Return.commerceMirror` loader); returns without one are absent. */
export async function mirrorsByReturnIds(db: Queryable, returnIds: readonly string[]): Promise<MirrorRow[]> {
  const { rows } = await db.query<MirrorRow & Record<string, unknown>>(`SELECT * FROM returns.commerce_mirrors WHERE return_id = ANY($1::text[])`, [returnIds]);
  return rows;
}
