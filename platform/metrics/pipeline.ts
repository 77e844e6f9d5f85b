/**
 * The event pipeline's metrics (outbox lag, relay throughput, consumer outcomes, dead letters,
 * replays) and idempotency's (replays and mismatches). Subgraph, consumer and operation names
 * come from code, never from requests, so they are bounded by construction; the caps only guard
 * against a mistake.
 */
import { componentLogger } from '../logger';
import { BoundedLabel } from './labels';
import { ScrapeSources, defineCounter, defineGauge } from './registry';

const log = componentLogger('metrics');

/** Consumers, subgraphs and mutations are a few dozen names in code; past these caps they read `other`. */
const MAX_CONSUMERS = 64;
const MAX_SUBGRAPHS = 16;
const MAX_OPERATIONS = 128;

const consumers = new BoundedLabel(MAX_CONSUMERS);
const subgraphs = new BoundedLabel(MAX_SUBGRAPHS);
const operations = new BoundedLabel(MAX_OPERATIONS);

/** An outbox measured at scrape time: its subgraph and how to read its lag. */
export interface OutboxLagSource {
  subgraph: string;
  lag(): Promise<{ pending: number; oldestPendingAgeMs: number }>;
}

const outboxes = new ScrapeSources<OutboxLagSource>();

/** Each outbox's lag, read once per scrape and shared by the two gauges below. */
async function readLags(): Promise<{ subgraph: string; pending: number; ageS: number }[]> {
  const lags = await Promise.all(
    outboxes.all().map(async (source) => {
      try {
        const lag = await source.lag();
        return { subgraph: subgraphs.of(source.subgraph), pending: lag.pending, ageS: lag.oldestPendingAgeMs / 1000 };
      } catch (error) {
        // A scrape during a database outage reports what it can; /readyz says the rest.
        log.warn({ err: error, subgraph: source.subgraph }, 'could not read outbox lag for /metrics');
        return undefined;
      }
    }),
  );
  return lags.filter((lag) => lag !== undefined);
}

/** One database read per scrape feeds both gauges: the first collect reads, the second reuses it. */
let pendingRead: Promise<Awaited<ReturnType<typeof readLags>>> | undefined;
function lagsOfThisScrape(): Promise<Awaited<ReturnType<typeof readLags>>> {
  if (!pendingRead) {
    pendingRead = readLags();
    void pendingRead.finally(() => setImmediate(() => (pendingRead = undefined)));
  }
  return pendingRead;
}

defineGauge({
  name: 'outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox event, by subgraph (0 when the outbox is drained); read at scrape time.',
  labelNames: ['subgraph'],
  async collect() {
    this.reset();
    for (const lag of await lagsOfThisScrape()) this.set({ subgraph: lag.subgraph }, lag.ageS);
  },
});
defineGauge({
  name: 'outbox_pending_events',
  help: 'Unpublished outbox events, by subgraph; read at scrape time.',
  labelNames: ['subgraph'],
  async collect() {
    this.reset();
    for (const lag of await lagsOfThisScrape()) this.set({ subgraph: lag.subgraph }, lag.pending);
  },
});
const published = defineCounter({
  name: 'relay_published_events_total',
  help: 'Outbox events the relay put on the bus, by subgraph (at least once: a republish after a crash counts again).',
  labelNames: ['subgraph'],
});
const handled = defineCounter({
  name: 'consumer_events_total',
  help: 'Events a consumer handled, by consumer and outcome (handled, duplicate: its inbox already had it).',
  labelNames: ['consumer', 'outcome'],
});
const retried = defineCounter({
  name: 'consumer_retries_total',
  help: 'Failed handling attempts scheduled for another try with backoff, by consumer.',
  labelNames: ['consumer'],
});
const deadLettered = defineCounter({
  name: 'consumer_dead_letters_total',
  help: 'Events moved to the dead-letter table after the last attempt (or at once, when they cannot validate), by consumer.',
  labelNames: ['consumer'],
});
const replayed = defineCounter({
  name: 'dead_letter_replays_total',
  help: 'Dead letters sent back to their consumer by a replay, by subgraph.',
  labelNames: ['subgraph'],
});
const idempotent = defineCounter({
  name: 'idempotency_requests_total',
  help: 'Idempotent mutations answered from a stored key, by subgraph, operation and outcome (replayed: same key and input; mismatch: same key, other input, refused).',
  labelNames: ['subgraph', 'operation', 'outcome'],
});

/** Reads `source`'s outbox lag at every scrape until the returned removal is called. */
export function watchOutbox(source: OutboxLagSource): () => void {
  return outboxes.add(source);
}

/** The relay published `count` events of `subgraph`'s outbox. */
export function recordRelayPublished(subgraph: string, count: number): void {
  if (count > 0) published.inc({ subgraph: subgraphs.of(subgraph) }, count);
}

/** A consumer handled an event (committed), or found it in its inbox already. */
export function recordConsumerHandled(consumer: string, duplicate: boolean): void {
  handled.inc({ consumer: consumers.of(consumer), outcome: duplicate ? 'duplicate' : 'handled' });
}

/** A consumer's attempt failed and the event waits for a retry. */
export function recordConsumerRetry(consumer: string): void {
  retried.inc({ consumer: consumers.of(consumer) });
}

/** A consumer dead-lettered an event. */
export function recordDeadLetter(consumer: string): void {
  deadLettered.inc({ consumer: consumers.of(consumer) });
}

/** A replay sent `count` dead letters of `subgraph` back to their consumers. */
export function recordDeadLetterReplays(subgraph: string, count: number): void {
  if (count > 0) replayed.inc({ subgraph: subgraphs.of(subgraph) }, count);
}

/** An idempotent mutation answered from its stored key: replayed, or refused for other input. */
export function recordIdempotentAnswer(subgraph: string, operation: string, outcome: 'replayed' | 'mismatch'): void {
  idempotent.inc({ subgraph: subgraphs.of(subgraph), operation: operations.of(operation), outcome });
}
