import type { Queryable } from '../../../platform/db';
import type { KpiGroupBy, KpiWindow } from '../../../contracts/operations';

/**
 * The returns KPIs of returns requested in [from, to), from this schema alone (docs/design/011):
 * counts, first-time-right, and the refund cycle time as nearest-rank percentiles, all in integer
 * arithmetic in PostgreSQL.
 *
 * Nearest rank: of n samples sorted ascending, the p-th percentile is the sample at rank
 * ceil(p·n/100), computed as (p·n + 99) / 100 in integer division; it is always an observed value.
 *
 * A return is first-time-right when it is COMPLETED and no person had to act on it: no staff
 * approval (timeline action `approve`), no manual refund, no refund that waited for a second
 * approver, failed (and so needed a retry) or required action (`return_manual_actions`, from
 * refunds' events), and no replayed dead letter of an event about it in this schema.
 */

/** One group's figures. */
export interface KpiGroupFigures {
  key: string;
  returnsRequested: number;
  returnsCompleted: number;
  returnsCompletedFirstTimeRight: number;
  firstTimeRightRate: number | null;
  refundCycleTime: {
    samples: number;
    memoSamples: number;
    requestToRefundP50Seconds: number | null;
    requestToRefundP90Seconds: number | null;
    requestToMemoP50Seconds: number | null;
    requestToMemoP90Seconds: number | null;
  };
}

/** The SQL of a group key: `ALL`, the channel, the store (`NO_STORE` for returns taken online), or the UTC day. */
function keyExpression(groupBy: KpiGroupBy | null): string {
  switch (groupBy) {
    case null:
      return `'ALL'`;
    case 'CHANNEL':
      return 'r.channel';
    case 'STORE':
      return `coalesce(r.store_id, 'NO_STORE')`;
    case 'DAY':
      return `to_char(r.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  }
}

/** The figures per group of `groupBy` (null: the totals, one group `ALL`), ordered by key. */
export async function kpiGroups(db: Queryable, window: Pick<KpiWindow, 'from' | 'to'>, groupBy: KpiGroupBy | null): Promise<KpiGroupFigures[]> {
  const { rows } = await db.query<FigureRow & { key: string }>(
    `WITH window_returns AS (
       SELECT ${keyExpression(groupBy)} AS key, r.status,
              floor(extract(epoch FROM r.refund_succeeded_at - r.requested_at))::int8 AS to_refund,
              floor(extract(epoch FROM r.memo_posted_at - r.requested_at))::int8 AS to_memo,
              (EXISTS (SELECT 1 FROM returns.return_manual_actions m WHERE m.return_id = r.id)
               OR EXISTS (SELECT 1 FROM returns.return_timeline t WHERE t.return_id = r.id AND t.action = 'approve')
               OR EXISTS (SELECT 1 FROM returns.dead_letters d
                           WHERE d.status = 'REPLAYED'
                             AND (d.aggregate_id = r.id OR d.event -> 'envelope' -> 'data' ->> 'returnId' = r.id))) AS manual
         FROM returns.returns r
        WHERE r.requested_at >= $1 AND r.requested_at < $2
     ),
     refund_ranked AS (
       SELECT key, to_refund, row_number() OVER (PARTITION BY key ORDER BY to_refund) AS rank, count(*) OVER (PARTITION BY key) AS n
         FROM window_returns WHERE to_refund IS NOT NULL
     ),
     memo_ranked AS (
       SELECT key, to_memo, row_number() OVER (PARTITION BY key ORDER BY to_memo) AS rank, count(*) OVER (PARTITION BY key) AS n
         FROM window_returns WHERE to_memo IS NOT NULL
     ),
     refund_pct AS (
       SELECT key, max(n) AS samples,
              max(to_refund) FILTER (WHERE rank = (50 * n + 99) / 100) AS p50,
              max(to_refund) FILTER (WHERE rank = (90 * n + 99) / 100) AS p90
         FROM refund_ranked GROUP BY key
     ),
     memo_pct AS (
       SELECT key, max(n) AS samples,
              max(to_memo) FILTER (WHERE rank = (50 * n + 99) / 100) AS p50,
              max(to_memo) FILTER (WHERE rank = (90 * n + 99) / 100) AS p90
         FROM memo_ranked GROUP BY key
     ),
     counts AS (
       SELECT key, count(*) AS requested, count(*) FILTER (WHERE status = 'COMPLETED') AS completed,
              count(*) FILTER (WHERE status = 'COMPLETED' AND NOT manual) AS ftr
         FROM window_returns GROUP BY key
     )
     SELECT c.key, c.requested, c.completed, c.ftr, coalesce(rp.samples, 0) AS samples, coalesce(mp.samples, 0) AS memo_samples,
            rp.p50 AS refund_p50, rp.p90 AS refund_p90, mp.p50 AS memo_p50, mp.p90 AS memo_p90
       FROM counts c LEFT JOIN refund_pct rp ON rp.key = c.key LEFT JOIN memo_pct mp ON mp.key = c.key
      ORDER BY c.key COLLATE "C"`,
    [window.from, window.to],
  );
  const figures = rows.map((row) => toFigures(row.key, row));
  if (groupBy === null && figures.length === 0) return [toFigures('ALL')];
  return figures;
}

type FigureRow = Record<'requested' | 'completed' | 'ftr' | 'samples' | 'memo_samples', string> &
  Record<'refund_p50' | 'refund_p90' | 'memo_p50' | 'memo_p90', string | null>;

/** The counts and percentiles of a group with no returns at all. */
const EMPTY: FigureRow = {
  requested: '0',
  completed: '0',
  ftr: '0',
  samples: '0',
  memo_samples: '0',
  refund_p50: null,
  refund_p90: null,
  memo_p50: null,
  memo_p90: null,
};

const int = (value: string | null) => (value === null ? null : Number(value));

function toFigures(key: string, row: FigureRow = EMPTY): KpiGroupFigures {
  const completed = Number(row.completed);
  const ftr = Number(row.ftr);
  return {
    key,
    returnsRequested: Number(row.requested),
    returnsCompleted: completed,
    returnsCompletedFirstTimeRight: ftr,
    // The one division, of two exact counts, made once at the edge; null when there is nothing to divide.
    firstTimeRightRate: completed === 0 ? null : ftr / completed,
    refundCycleTime: {
      samples: Number(row.samples),
      memoSamples: Number(row.memo_samples),
      requestToRefundP50Seconds: int(row.refund_p50),
      requestToRefundP90Seconds: int(row.refund_p90),
      requestToMemoP50Seconds: int(row.memo_p50),
      requestToMemoP90Seconds: int(row.memo_p90),
    },
  };
}
