/**
 * The gateway's metrics: client operations (by operation name, type and outcome, with latency),
 * subgraph fetches, and subscriptions. Each call site calls one function here.
 */
import { BoundedLabel, OperationNameLabel } from './labels';
import { LAG_BUCKETS_S, LATENCY_BUCKETS_S, ScrapeSources, defineCounter, defineGauge, defineHistogram } from './registry';

/** Operation types a request can have; `unknown` when it did not parse or was refused before. */
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription']);
/** Distinct error codes tracked; codes come from our own registries, so the cap only guards against surprises. */
const MAX_STATUS_CODES = 40;
/** Subgraphs a gateway routes to: four today, capped in case a supergraph names more. */
const MAX_SUBGRAPHS = 16;

const operationNames = new OperationNameLabel();
const statusCodes = new BoundedLabel(MAX_STATUS_CODES, 'error');
const subgraphNames = new BoundedLabel(MAX_SUBGRAPHS);

const requests = defineCounter({
  name: 'gateway_requests_total',
  help: 'Client GraphQL operations the gateway answered, by operation name (anonymous, or other past a cap), type and status (ok, or the first error code).',
  labelNames: ['operation', 'type', 'status'],
});
const requestDuration = defineHistogram({
  name: 'gateway_request_duration_seconds',
  help: 'Time from receiving a client operation to sending its response, by operation name and type.',
  labelNames: ['operation', 'type'],
  buckets: LATENCY_BUCKETS_S,
});
const subgraphFetches = defineCounter({
  name: 'gateway_subgraph_fetches_total',
  help: 'Fetches from the gateway to a subgraph, by subgraph and outcome (ok, graphql_error: the subgraph answered with errors, failed: no answer).',
  labelNames: ['subgraph', 'outcome'],
});
const mergedSubgraphFetches = defineCounter({
  name: 'gateway_subgraph_fetches_merged_total',
  help: 'Subgraph fetches the gateway did not send because an identical one (same subgraph, operation, variables and principal) was in flight: they took its answer. Not counted in gateway_subgraph_fetches_total.',
  labelNames: ['subgraph'],
});
const subgraphFetchDuration = defineHistogram({
  name: 'gateway_subgraph_fetch_duration_seconds',
  help: 'Latency of fetches from the gateway to a subgraph, by subgraph.',
  labelNames: ['subgraph'],
  buckets: LATENCY_BUCKETS_S,
});

/** Live subscriber counts, one per subscription hub of this process (two gateways in one process have two). */
const subscriptionSources = new ScrapeSources<() => number>();
defineGauge({
  name: 'gateway_subscriptions_open',
  help: 'Client subscriptions open on this process.',
  collect() {
    this.set(subscriptionSources.all().reduce((sum, size) => sum + size(), 0));
  },
});
const deliveryLag = defineHistogram({
  name: 'gateway_subscription_delivery_lag_seconds',
  help: 'Time from an event occurring (its occurredAt) to its update being handed to subscribers, by source subgraph.',
  labelNames: ['source'],
  buckets: LAG_BUCKETS_S,
});
const updatesDelivered = defineCounter({
  name: 'gateway_subscription_updates_total',
  help: 'Live subscription updates handed to subscribers, by source subgraph.',
  labelNames: ['source'],
});
const resolutions = defineCounter({
  name: 'gateway_subscription_resolutions_total',
  help: 'Live subscription updates resolved through the graph (one per event and matching audience group), by source subgraph.',
  labelNames: ['source'],
});

/**
 * The operation label of a request that never resolved to an operation (it did not parse or
 * validate, or was refused before): its name is whatever the client sent, so it is not kept, and
 * such requests cannot use up the cap of real operation names.
 */
export const UNRESOLVED = 'unresolved';

/**
 * One client operation answered: its name, its type (`query`, …; undefined when it never resolved
 * to an operation), the first error code (none: ok) and the seconds taken (undefined: not timed).
 */
export function recordGatewayRequest(
  operationName: string | null | undefined,
  type: string | undefined,
  errorCode: string | undefined,
  seconds: number | undefined,
): void {
  const resolved = type !== undefined && OPERATION_TYPES.has(type);
  const operation = resolved ? operationNames.of(operationName) : UNRESOLVED;
  const kind = resolved ? type : 'unknown';
  requests.inc({ operation, type: kind, status: errorCode === undefined ? 'ok' : statusCodes.of(errorCode) });
  if (seconds !== undefined) requestDuration.observe({ operation, type: kind }, seconds);
}

/** One fetch from the gateway to a subgraph. */
export function recordSubgraphFetch(subgraph: string, outcome: 'ok' | 'graphql_error' | 'failed', seconds: number): void {
  const label = subgraphNames.of(subgraph);
  subgraphFetches.inc({ subgraph: label, outcome });
  subgraphFetchDuration.observe({ subgraph: label }, seconds);
}

/** A subgraph fetch answered by an identical fetch already in flight (gateway/fetch-merge.ts). */
export function recordMergedSubgraphFetch(subgraph: string): void {
  mergedSubgraphFetches.inc({ subgraph: subgraphNames.of(subgraph) });
}

/** Counts a subscription hub's subscribers at every scrape until the returned removal is called. */
export function watchSubscriptions(size: () => number): () => void {
  return subscriptionSources.add(size);
}

/** A live update handed to `subscribers` subscribers; `occurredAt` is the event's ISO time (absent in notices of older relays). */
export function recordSubscriptionDelivery(source: string, occurredAt: string | undefined, subscribers: number): void {
  if (subscribers === 0) return;
  const label = subgraphNames.of(source);
  updatesDelivered.inc({ source: label }, subscribers);
  const occurred = occurredAt ? Date.parse(occurredAt) : Number.NaN;
  if (Number.isFinite(occurred)) deliveryLag.observe({ source: label }, Math.max(0, Date.now() - occurred) / 1000);
}

/** One live update resolved through the graph for one group of subscribers (its cost is per group, not per subscriber). */
export function recordSubscriptionResolution(source: string): void {
  resolutions.inc({ source: subgraphNames.of(source) });
}
