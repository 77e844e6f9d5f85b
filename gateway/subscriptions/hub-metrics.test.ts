import { parse, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../../platform/auth';
import { InProcessFanout } from '../../platform/events/fanout';
import type { StreamDefinition } from '../../platform/events/streams';
import { metricsRegistry } from '../../platform/metrics';
import { SubscriptionHub } from './hub';
import { planSubscription } from './rewrite';
import { parseMetrics, sum } from '../../test/support/metrics-scrape';

/** The hub's metrics: subscriptions open (read at scrape time) and the delivery lag from an event's occurredAt. */
const operations: Principal = { subject: 'user:ops', roles: ['operations_admin'], storeIds: [] };
const RETURN_STATUS: StreamDefinition = {
  field: 'returnStatusChanged',
  source: 'returns',
  eventTypes: ['ReturnAuthorized'],
  one: 'returnStatusUpdate',
  page: 'returnStatusUpdatePage',
  filters: ['returnId', 'orderId', 'channel', 'storeId'],
};
/** How old the event is when the hub hands it over: the lag observed is at least this. */
const EVENT_AGE_MS = 2_000;

function livePlan() {
  const document = parse('subscription { returnStatusChanged { returnId } }');
  return planSubscription(document, document.definitions[0] as OperationDefinitionNode, {}, (field) =>
    field === RETURN_STATUS.field ? RETURN_STATUS : undefined,
  );
}

/** A series of this process's registry (summed over its series matching `labels`), as a scrape reads it. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  return sum(parseMetrics(await metricsRegistry.metrics()), name, labels);
}

it('counts open subscriptions and observes how long an update took from its event to the subscriber', async () => {
  const fanout = new InProcessFanout();
  const hub = new SubscriptionHub(fanout, async (): Promise<ExecutionResult> => ({ data: { returnStatusChanged: { returnId: 'ret_1' } } }));
  await hub.start();

  const subscription = hub.subscribe(livePlan(), operations);
  expect(await value('returns_graph_gateway_subscriptions_open')).toBe(1);
  const received = subscription.next();
  await fanout.publish([
    {
      source: 'returns',
      position: 1,
      type: 'ReturnAuthorized',
      aggregateId: 'ret_1',
      data: { returnId: 'ret_1' },
      occurredAt: new Date(Date.now() - EVENT_AGE_MS).toISOString(),
    },
  ]);
  expect((await received).value).toEqual({ data: { returnStatusChanged: { returnId: 'ret_1' } } });

  // Each test file has its own registry, so these are this test's observations alone.
  const lag = 'returns_graph_gateway_subscription_delivery_lag_seconds';
  expect(await value(`${lag}_count`, { source: 'returns' })).toBe(1);
  expect(await value(`${lag}_sum`, { source: 'returns' })).toBeGreaterThanOrEqual(EVENT_AGE_MS / 1000);
  expect(await value('returns_graph_gateway_subscription_updates_total', { source: 'returns' })).toBe(1);

  await subscription.return?.();
  expect(await value('returns_graph_gateway_subscriptions_open')).toBe(0);
  await hub.stop();
});
