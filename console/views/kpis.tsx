import { useMemo, useState } from 'preact/hooks';
import { dayToEpochSeconds, duration, isoDay, percent, words } from '../format';
import { TYPE_FIELDS, kpisQuery } from '../queries';
import { useQuery } from '../session';
import { TimeChart, type Series } from './chart';
import { Loaded, Tile, Unavailable, useHasField } from './common';

interface CycleTime {
  samples: number;
  requestToRefundP50Seconds: number | null;
  requestToRefundP90Seconds: number | null;
  requestToMemoP50Seconds: number | null;
  requestToMemoP90Seconds: number | null;
}
interface KpiGroup {
  key: string;
  returnsRequested: number;
  returnsCompleted: number;
  firstTimeRightRate: number | null;
  refundCycleTime: CycleTime;
}
type Accuracy = { state: string } & Record<string, string | number | boolean | null>;
interface ReturnsKpis {
  totals: KpiGroup;
  groups: KpiGroup[];
  duplicateAttemptsAbsorbed: number;
  exceptionBacklog: { open: number; oldestAgeSeconds: number | null; byKind: { kind: string; count: number }[]; aging: { label: string; count: number }[] };
  inventoryAccuracy: Accuracy[];
  reconciliationMismatchesOpen: number;
}
type TypeFields = { __type: { fields: { name: string; type: { kind: string; ofType: { kind: string } | null } }[] } | null };

const DAY_MS = 86_400_000;
const isLeaf = (type: { kind: string; ofType: { kind: string } | null }) =>
  ['SCALAR', 'ENUM'].includes(type.kind === 'NON_NULL' ? (type.ofType?.kind ?? '') : type.kind);

/** KPIs for returns requested in a date range, by day: charts of cycle time and volume, tiles for the rest. */
export function KpisView() {
  const available = useHasField('returnsKpis');
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 29 * DAY_MS)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const accuracy = useQuery<TypeFields>(TYPE_FIELDS, available ? { name: 'StockStateAccuracy' } : null);
  const accuracyFields = useMemo(() => (accuracy.data?.__type?.fields ?? []).filter((field) => isLeaf(field.type)).map((field) => field.name), [accuracy.data]);
  const ready = available && accuracy.data !== undefined;
  // `to` is the last day shown, so the window ends at the start of the day after it.
  const range = { from: `${from}T00:00:00.000Z`, to: new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS).toISOString() };
  const kpis = useQuery<{ returnsKpis: ReturnsKpis }>(kpisQuery(accuracyFields), ready ? range : null);
  if (!available) return <Unavailable field="returnsKpis" />;
  return (
    <section aria-labelledby="kpis-title">
      <h2 id="kpis-title">Returns KPIs</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="kpi-from">From</label>
        <input id="kpi-from" type="date" value={from} max={to} onChange={(e) => setFrom(e.currentTarget.value)} />
        <label for="kpi-to">To</label>
        <input id="kpi-to" type="date" value={to} min={from} onChange={(e) => setTo(e.currentTarget.value)} />
      </form>
      <Loaded state={kpis}>{(data) => <KpiBody kpis={data.returnsKpis} />}</Loaded>
    </section>
  );
}

function KpiBody({ kpis }: { kpis: ReturnsKpis }) {
  const { totals } = kpis;
  const x = useMemo(() => kpis.groups.map((group) => dayToEpochSeconds(group.key)), [kpis.groups]);
  const cycle = useMemo<Series[]>(
    () => [
      { label: 'refund p50', color: '#2563eb', values: kpis.groups.map((g) => g.refundCycleTime.requestToRefundP50Seconds) },
      { label: 'refund p90', color: '#93c5fd', values: kpis.groups.map((g) => g.refundCycleTime.requestToRefundP90Seconds) },
      { label: 'memo p50', color: '#059669', values: kpis.groups.map((g) => g.refundCycleTime.requestToMemoP50Seconds) },
      { label: 'memo p90', color: '#6ee7b7', values: kpis.groups.map((g) => g.refundCycleTime.requestToMemoP90Seconds) },
    ],
    [kpis.groups],
  );
  const volume = useMemo<Series[]>(
    () => [
      { label: 'requested', color: '#7c3aed', values: kpis.groups.map((g) => g.returnsRequested) },
      { label: 'completed', color: '#db2777', values: kpis.groups.map((g) => g.returnsCompleted) },
    ],
    [kpis.groups],
  );
  const backlog = kpis.exceptionBacklog;
  return (
    <div data-testid="kpis">
      <div class="tiles">
        <Tile label="Returns requested" value={totals.returnsRequested} testId="kpi-requested" />
        <Tile label="Returns completed" value={totals.returnsCompleted} testId="kpi-completed" />
        <Tile label="First time right" value={percent(totals.firstTimeRightRate)} testId="kpi-ftr" />
        <Tile
          label="Refund cycle p50 / p90"
          value={`${duration(totals.refundCycleTime.requestToRefundP50Seconds)} / ${duration(totals.refundCycleTime.requestToRefundP90Seconds)}`}
        />
        <Tile
          label="Credit memo cycle p50 / p90"
          value={`${duration(totals.refundCycleTime.requestToMemoP50Seconds)} / ${duration(totals.refundCycleTime.requestToMemoP90Seconds)}`}
        />
        <Tile label="Duplicates absorbed" value={kpis.duplicateAttemptsAbsorbed} testId="kpi-duplicates" />
        <Tile label="Reconciliation mismatches open" value={kpis.reconciliationMismatchesOpen} testId="kpi-mismatches" />
        <Tile label="Exception backlog" value={backlog.open} testId="kpi-backlog">
          <p class="hint">oldest {duration(backlog.oldestAgeSeconds)}</p>
          <ul class="buckets">
            {backlog.aging.map((bucket) => (
              <li key={bucket.label}>
                {bucket.label}: {bucket.count}
              </li>
            ))}
          </ul>
        </Tile>
      </div>
      {kpis.groups.length === 0 ? (
        <p class="hint">No returns were requested in this range.</p>
      ) : (
        <div class="charts">
          <TimeChart title="Refund and credit memo cycle time per day" unit="seconds" x={x} series={cycle} />
          <TimeChart title="Returns requested and completed per day" unit="returns" x={x} series={volume} />
        </div>
      )}
      <AccuracyTable rows={kpis.inventoryAccuracy} />
    </div>
  );
}

/** Inventory accuracy by disposition state; the columns are whatever measure the schema defines. */
function AccuracyTable({ rows }: { rows: Accuracy[] }) {
  const columns = Object.keys(rows[0] ?? {}).filter((name) => name !== 'state');
  return (
    <table class="data" aria-label="Inventory accuracy by state" data-testid="accuracy">
      <caption>Inventory accuracy by disposition state</caption>
      <thead>
        <tr>
          <th scope="col">state</th>
          {columns.map((column) => (
            <th scope="col" key={column}>
              {words(column)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.state}>
            <th scope="row">{row.state}</th>
            {columns.map((column) => (
              <td key={column}>{formatCell(column, row[column])}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function formatCell(column: string, value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && /rate|ratio|accuracy/i.test(column) && value <= 1) return percent(value);
  return String(value);
}
