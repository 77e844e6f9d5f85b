import type { Queryable } from '../../../platform/db';
import type { GraphRefund, GraphTender, Window } from './types';

interface RefundFactRow {
  [column: string]: unknown;
  id: string;
  order_id: string;
  status: string;
  amount_minor: number;
  currency: string;
  created_at: Date;
  last_change_at: Date;
  memo_status: string | null;
  memo_amount_minor: number | null;
  memo_erp_reference: string | null;
  tenders: { id: string; provider: string; provider_refund_id: string | null; amount_minor: number; status: string; generation: number }[];
}

/** The graph's refunds created in [from, to), with their tenders and our record of their credit memo. */
export async function graphRefunds(db: Queryable, window: Window): Promise<GraphRefund[]> {
  const { rows } = await db.query<RefundFactRow>(
    `SELECT r.id, r.order_id, r.status, r.amount_minor, r.currency, r.created_at,
            greatest(r.updated_at, coalesce(max(t.updated_at), r.updated_at), coalesce(m.posted_at, m.queued_at, r.updated_at)) AS last_change_at,
            m.status AS memo_status, m.amount_minor AS memo_amount_minor, m.erp_reference AS memo_erp_reference,
            coalesce(jsonb_agg(jsonb_build_object('id', t.id, 'provider', t.provider, 'provider_refund_id', t.provider_refund_id,
                       'amount_minor', t.amount_minor, 'status', t.status, 'generation', t.generation) ORDER BY t.position)
                     FILTER (WHERE t.id IS NOT NULL), '[]') AS tenders
       FROM refunds.refunds r
       LEFT JOIN refunds.refund_tenders t ON t.refund_id = r.id
       LEFT JOIN refunds.credit_memos m ON m.refund_id = r.id
      WHERE r.created_at >= $1 AND r.created_at < $2
      GROUP BY r.id, m.refund_id
      ORDER BY r.created_at, r.id`,
    [window.from, window.to],
  );
  return rows.map((row) => ({
    id: row.id,
    orderId: row.order_id,
    status: row.status,
    amountMinor: row.amount_minor,
    currency: row.currency,
    createdAt: row.created_at,
    lastChangeAt: row.last_change_at,
    memo: row.memo_status === null ? null : { status: row.memo_status, amountMinor: row.memo_amount_minor ?? 0, erpReference: row.memo_erp_reference },
    tenders: row.tenders.map(tenderOf),
  }));
}

/** Graph tenders by id (our key's tender part) or by provider refund id: who initiated the providers' records. */
export async function tendersOf(
  db: Queryable,
  tenderIds: readonly string[],
  providerRefundIds: readonly string[],
): Promise<(GraphTender & { refundId: string })[]> {
  if (tenderIds.length === 0 && providerRefundIds.length === 0) return [];
  const { rows } = await db.query<RefundFactRow['tenders'][number] & { refund_id: string } & Record<string, unknown>>(
    `SELECT id, refund_id, provider, provider_refund_id, amount_minor, status, generation FROM refunds.refund_tenders
      WHERE id = ANY($1::text[]) OR provider_refund_id = ANY($2::text[])`,
    [tenderIds, providerRefundIds],
  );
  return rows.map((row) => ({ ...tenderOf(row), refundId: row.refund_id }));
}

/** Which of `refundIds` the graph holds. */
export async function existingRefundIds(db: Queryable, refundIds: readonly string[]): Promise<Set<string>> {
  if (refundIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(`SELECT id FROM refunds.refunds WHERE id = ANY($1::text[])`, [refundIds]);
  return new Set(rows.map((row) => row.id));
}

function tenderOf(row: RefundFactRow['tenders'][number]): GraphTender {
  return {
    id: row.id,
    provider: row.provider,
    providerRefundId: row.provider_refund_id,
    amountMinor: Number(row.amount_minor),
    status: row.status,
    generation: row.generation,
  };
}
