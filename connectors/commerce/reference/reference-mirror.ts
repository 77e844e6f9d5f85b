import type { Db } from '../../../platform/db';
import type { CommerceReturnsMirror, MirroredDisposition, MirroredReturn } from '../port';

type Opened = MirroredReturn & { externalReturnId: string };

/**
 * The reference shop's returns list: one row per graph return (keyed by our return id, so every
 * call is idempotent), dispositions kept cumulative per SKU (a repeat sets the same numbers), and
 * refund notes keyed by our refund id. It writes with `db` on its own, never in a caller's
 * transaction: the shop is another system.
 */
export class ReferenceMirror implements CommerceReturnsMirror {
  constructor(
    private readonly db: Db,
    readonly source: string,
  ) {}

  async openReturn(ret: MirroredReturn): Promise<{ externalReturnId: string }> {
    // The shop's id is derived from ours, so a racing second open inserts nothing and finds the same one.
    const externalReturnId = `rr_${ret.returnId.slice('ret_'.length).toLowerCase()}`;
    await this.db.query(
      `INSERT INTO commerce_ref.returns (return_id, external_return_id, order_external_id, lines, status)
       VALUES ($1, $2, $3, $4, 'OPEN') ON CONFLICT (return_id) DO NOTHING`,
      [ret.returnId, externalReturnId, ret.orderExternalId, JSON.stringify(ret.lines)],
    );
    const { rows } = await this.db.query<{ external_return_id: string }>(`SELECT external_return_id FROM commerce_ref.returns WHERE return_id = $1`, [
      ret.returnId,
    ]);
    return { externalReturnId: rows[0]?.external_return_id ?? externalReturnId };
  }

  async disposeItems(ret: Opened, dispositions: MirroredDisposition[]): Promise<void> {
    const bySku = Object.fromEntries(dispositions.map((d) => [d.sku, { restocked: d.restocked, notRestocked: d.notRestocked, locationId: d.locationId }]));
    // Cumulative numbers replace what the shop shows (merged per SKU): a repeat changes nothing.
    await this.db.query(`UPDATE commerce_ref.returns SET dispositions = dispositions || $2::jsonb, updated_at = now() WHERE return_id = $1`, [
      ret.returnId,
      JSON.stringify(bySku),
    ]);
  }

  async closeReturn(ret: Opened): Promise<void> {
    await this.db.query(`UPDATE commerce_ref.returns SET status = 'CLOSED', updated_at = now() WHERE return_id = $1 AND status <> 'CLOSED'`, [ret.returnId]);
  }

  async cancelReturn(ret: Opened): Promise<void> {
    await this.db.query(`UPDATE commerce_ref.returns SET status = 'CANCELED', updated_at = now() WHERE return_id = $1 AND status = 'OPEN'`, [ret.returnId]);
  }

  async recordRefund(ret: Opened, refund: { refundId: string; amountMinor: number; currency: string; provider: string | null }): Promise<void> {
    await this.db.query(
      `INSERT INTO commerce_ref.return_refund_notes (refund_id, return_id, amount_minor, currency, provider) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (refund_id) DO NOTHING`,
      [refund.refundId, ret.returnId, refund.amountMinor, refund.currency, refund.provider],
    );
  }
}
