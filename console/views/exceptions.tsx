import { useState } from 'preact/hooks';
import { duration, instant } from '../format';
import { EXCEPTIONS } from '../queries';
import { useQuery } from '../session';
import { useAction } from '../use-action';
import { Loaded, Unavailable, useHasField } from './common';
import type { TimelineTarget } from './timeline';

interface OperationsException {
  id: string;
  kind: string;
  subgraph: string;
  summary: string;
  openedAt: string;
  ageSeconds: number;
  orderId: string | null;
  returnId: string | null;
  refundId: string | null;
  correlationId: string | null;
  evidence: { label: string; value: string }[];
  action: { kind: string; label: string; mutation: string; targetId: string };
}
interface ExceptionPage {
  exceptions: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: { cursor: string; node: OperationsException }[];
  };
}

const KINDS = [
  'DEAD_LETTER',
  'REFUND_FAILED',
  'REFUND_REQUIRES_ACTION',
  'REFUND_AWAITING_APPROVAL',
  'CREDIT_MEMO_FAILED',
  'STOCK_POSTING_FAILED',
  'RECONCILIATION_MISMATCH',
  'RETURN_STUCK',
] as const;
const PAGE_SIZE = 20;

/** The exceptions queue, oldest first: filter by kind, page through, act on a row. */
export function ExceptionsView(props: { onOpenTimeline(target: TimelineTarget): void }) {
  const available = useHasField('exceptions');
  const [kind, setKind] = useState('');
  // Cursors of the pages before this one, so Previous goes back without a backward cursor.
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const after = cursors[cursors.length - 1] ?? null;
  const page = useQuery<ExceptionPage>(EXCEPTIONS, available ? { first: PAGE_SIZE, after, kind: kind || null } : null);
  if (!available) return <Unavailable field="exceptions" />;
  return (
    <section aria-labelledby="exceptions-title">
      <h2 id="exceptions-title">Exceptions</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label for="exception-kind">Kind</label>
        <select
          id="exception-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.currentTarget.value);
            setCursors([null]);
          }}
        >
          <option value="">all kinds</option>
          {KINDS.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </form>
      <Loaded state={page}>
        {(data) => (
          <>
            <p role="status" data-testid="exceptions-total">
              {data.exceptions.totalCount} open
            </p>
            <ol class="exceptions" data-testid="exceptions">
              {data.exceptions.edges.map(({ node }) => (
                <ExceptionRow key={node.id} item={node} onDone={page.reload} onOpenTimeline={props.onOpenTimeline} />
              ))}
            </ol>
            <nav class="pager" aria-label="Exception pages">
              <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
                Previous
              </button>
              <button
                type="button"
                disabled={!data.exceptions.pageInfo.hasNextPage}
                onClick={() => setCursors([...cursors, data.exceptions.pageInfo.endCursor])}
              >
                Next
              </button>
            </nav>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** One exception: what, how old, its evidence and the button that resolves it. */
function ExceptionRow(props: { item: OperationsException; onDone(): void; onOpenTimeline(target: TimelineTarget): void }) {
  const { item } = props;
  const { busy, outcome, run } = useAction(props.onDone);
  const act = async () => {
    // A stuck return has no mutation that fixes it: a person reviews its timeline.
    if (item.action.kind === 'REVIEW_RETURN') return props.onOpenTimeline({ by: 'return', value: item.action.targetId });
    await run(item.action.mutation, item.action.targetId);
  };
  return (
    <li class="exception" data-testid="exception" data-kind={item.kind} data-subgraph={item.subgraph} data-target={item.action.targetId}>
      <h3>
        <span class="kind">{item.kind}</span> {item.summary}
      </h3>
      <p class="hint">
        {item.subgraph} · opened {instant(item.openedAt)} · age {duration(item.ageSeconds)}
        {item.correlationId && (
          <>
            {' · '}
            <button type="button" class="link" onClick={() => props.onOpenTimeline({ by: 'correlation', value: item.correlationId ?? '' })}>
              trace
            </button>
          </>
        )}
      </p>
      <dl class="evidence">
        {item.evidence.map((evidence, index) => (
          <div key={`${evidence.label}-${index}`}>
            <dt>{evidence.label}</dt>
            <dd>{evidence.value}</dd>
          </div>
        ))}
      </dl>
      <button type="button" disabled={busy} onClick={act} aria-label={`${item.action.label}: ${item.summary}`}>
        {busy ? 'Working…' : item.action.label}
      </button>
      {outcome && (
        <p class="error" role="alert">
          {outcome}
        </p>
      )}
    </li>
  );
}
