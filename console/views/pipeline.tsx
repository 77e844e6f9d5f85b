import { duration, instant } from '../format';
import { PIPELINES, SUBGRAPHS } from '../queries';
import { useQuery } from '../session';
import { useAction } from '../use-action';
import { Loaded } from './common';

interface DeadLetter {
  id: string;
  consumer: string;
  eventType: string;
  aggregateId: string;
  error: string;
  attempts: number;
  deadAt: string;
}
interface Pipeline {
  subgraph: string;
  outboxPending: number;
  outboxLagSeconds: number;
  pendingRetries: number;
  deadLetterCount: number;
  deadLetters: { edges: { node: DeadLetter }[] };
}
type Pipelines = Record<(typeof SUBGRAPHS)[number], Pipeline>;

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Each subgraph's event pipeline: outbox, retries, dead letters (replayable here), refreshed live. */
export function PipelineView() {
  const pipelines = useQuery<Pipelines>(PIPELINES, {});
  return (
    <section aria-labelledby="pipeline-title">
      <h2 id="pipeline-title">Event pipeline health</h2>
      <Loaded state={pipelines}>
        {(data) => (
          <>
            <table class="data" data-testid="pipeline">
              <caption>Outbox and consumers per subgraph</caption>
              <thead>
                <tr>
                  <th scope="col">subgraph</th>
                  <th scope="col">outbox pending</th>
                  <th scope="col">outbox lag</th>
                  <th scope="col">pending retries</th>
                  <th scope="col">dead letters</th>
                </tr>
              </thead>
              <tbody>
                {SUBGRAPHS.map((name) => (
                  <tr key={name} data-testid={`pipeline-${name}`}>
                    <th scope="row">{name}</th>
                    <td data-field="outboxPending">{data[name].outboxPending}</td>
                    <td data-field="outboxLagSeconds">{duration(data[name].outboxLagSeconds)}</td>
                    <td data-field="pendingRetries">{data[name].pendingRetries}</td>
                    <td data-field="deadLetterCount">{data[name].deadLetterCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Dead letters</h3>
            <ul class="dead-letters" data-testid="dead-letters">
              {SUBGRAPHS.flatMap((name) =>
                data[name].deadLetters.edges.map(({ node }) => (
                  <DeadLetterRow key={`${name}-${node.id}`} subgraph={name} letter={node} onDone={pipelines.reload} />
                )),
              )}
            </ul>
            {SUBGRAPHS.every((name) => data[name].deadLetters.edges.length === 0) && <p class="hint">No dead letters.</p>}
          </>
        )}
      </Loaded>
    </section>
  );
}

function DeadLetterRow(props: { subgraph: string; letter: DeadLetter; onDone(): void }) {
  const { letter } = props;
  const { busy, outcome, run } = useAction(props.onDone);
  const replay = () => run(`replay${capitalised(props.subgraph)}DeadLetters`, letter.id);
  return (
    <li data-testid="dead-letter" data-subgraph={props.subgraph} data-id={letter.id}>
      <strong>{letter.eventType}</strong> for {letter.aggregateId} · {props.subgraph} · {letter.consumer} · {letter.attempts} attempts · dead since{' '}
      {instant(letter.deadAt)}
      <p class="hint">{letter.error}</p>
      <button type="button" disabled={busy} onClick={replay} aria-label={`Replay ${letter.eventType} for ${letter.aggregateId}`}>
        {busy ? 'Replaying…' : 'Replay'}
      </button>
      {outcome && (
        <p class="error" role="alert">
          {outcome}
        </p>
      )}
    </li>
  );
}
