import { useEffect, useState } from 'preact/hooks';
import { instant } from '../format';
import { ORDER_RETURNS, RETURN_TIMELINE, TRACE } from '../queries';
import { useQuery } from '../session';
import { Loaded, Unavailable, useHasField } from './common';

/** What to look up: a return by id, an order by number (its returns), or one flow by correlation id. */
export interface TimelineTarget {
  by: 'return' | 'order' | 'correlation';
  value: string;
}
interface Hop {
  at: string;
  subgraph: string;
  kind: string;
  name: string;
  detail: string | null;
  aggregateId: string | null;
  eventId: string | null;
  correlationId: string;
}
interface BusinessTrace {
  id: string;
  correlationId: string | null;
  returnId: string | null;
  hops: Hop[];
}

const LABELS: Record<TimelineTarget['by'], string> = { return: 'Return id', order: 'Order number', correlation: 'Correlation id' };

/** A return's timeline, or one business flow's hops, in time order. */
export function TimelineView(props: { initial?: TimelineTarget }) {
  const [draft, setDraft] = useState<TimelineTarget>(props.initial ?? { by: 'return', value: '' });
  const [target, setTarget] = useState<TimelineTarget | undefined>(props.initial);
  useEffect(() => {
    if (props.initial) {
      setDraft(props.initial);
      setTarget(props.initial);
    }
  }, [props.initial]);
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          if (draft.value.trim()) setTarget({ by: draft.by, value: draft.value.trim() });
        }}
      >
        <label for="lookup-by">Look up by</label>
        <select id="lookup-by" value={draft.by} onChange={(e) => setDraft({ ...draft, by: e.currentTarget.value as TimelineTarget['by'] })}>
          {Object.entries(LABELS).map(([by, label]) => (
            <option key={by} value={by}>
              {label}
            </option>
          ))}
        </select>
        <label for="lookup-value">{LABELS[draft.by]}</label>
        <input id="lookup-value" name="lookup" value={draft.value} onInput={(e) => setDraft({ ...draft, value: e.currentTarget.value })} />
        <button type="submit">Show</button>
      </form>
      {target?.by === 'order' && <OrderReturns number={target.value} onPick={(returnId) => setTarget({ by: 'return', value: returnId })} />}
      {target?.by === 'return' && <ReturnTimeline returnId={target.value} />}
      {target?.by === 'correlation' && <Trace correlationId={target.value} />}
    </section>
  );
}

function OrderReturns(props: { number: string; onPick(returnId: string): void }) {
  const order = useQuery<{ orderByNumber: { number: string; returns: { id: string; number: string; status: string }[] } | null }>(ORDER_RETURNS, {
    number: props.number,
  });
  return (
    <Loaded state={order}>
      {(data) =>
        !data.orderByNumber ? (
          <p role="status">No order {props.number}.</p>
        ) : data.orderByNumber.returns.length === 0 ? (
          <p role="status">Order {data.orderByNumber.number} has no returns.</p>
        ) : (
          <ul aria-label={`Returns of order ${data.orderByNumber.number}`}>
            {data.orderByNumber.returns.map((item) => (
              <li key={item.id}>
                <button type="button" class="link" onClick={() => props.onPick(item.id)}>
                  {item.number} ({item.status})
                </button>
              </li>
            ))}
          </ul>
        )
      }
    </Loaded>
  );
}

function ReturnTimeline(props: { returnId: string }) {
  const available = useHasField('returnTimeline');
  const timeline = useQuery<{ returnTimeline: BusinessTrace }>(RETURN_TIMELINE, available ? { returnId: props.returnId } : null);
  if (!available) return <Unavailable field="returnTimeline" />;
  return <Loaded state={timeline}>{(data) => <Hops trace={data.returnTimeline} title={`Return ${props.returnId}`} />}</Loaded>;
}

function Trace(props: { correlationId: string }) {
  const available = useHasField('trace');
  const trace = useQuery<{ trace: BusinessTrace }>(TRACE, available ? { correlationId: props.correlationId } : null);
  if (!available) return <Unavailable field="trace" />;
  return <Loaded state={trace}>{(data) => <Hops trace={data.trace} title={`Flow ${props.correlationId}`} />}</Loaded>;
}

/** Hops in the order the server gives them (time order). */
function Hops(props: { trace: BusinessTrace; title: string }) {
  if (props.trace.hops.length === 0) return <p role="status">Nothing recorded for {props.title}.</p>;
  return (
    <table class="data" data-testid="timeline">
      <caption>
        {props.title}: {props.trace.hops.length} hops
      </caption>
      <thead>
        <tr>
          <th scope="col">at</th>
          <th scope="col">subgraph</th>
          <th scope="col">kind</th>
          <th scope="col">name</th>
          <th scope="col">detail</th>
          <th scope="col">correlation id</th>
        </tr>
      </thead>
      <tbody>
        {props.trace.hops.map((hop, index) => (
          <tr key={`${hop.at}-${index}`} data-testid="hop">
            <td>{instant(hop.at)}</td>
            <td>{hop.subgraph}</td>
            <td>{hop.kind}</td>
            <td>{hop.name}</td>
            <td>{hop.detail ?? ''}</td>
            <td>{hop.correlationId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
