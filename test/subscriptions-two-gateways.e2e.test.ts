import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisFanout } from '../platform/events/fanout';
import { killAllTestProcesses } from './processes/child-kit';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';
import { startGatewayProcess, type GatewayProcess } from './processes/gateway-kit';
import { REDIS_URL } from './support/env';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { lineInput, mutateOk, recordOrder } from './support/returns-kit';
import { TEST_INTERNAL_SECRET } from './support/subgraph-client';
import { connect, waitUntil, type WsConnection } from './support/subscription-client';

/**
 * Two gateway processes behind one graph, notices over Redis pub/sub: a subscriber connected to one
 * gateway receives the updates of a mutation sent to the other.
 */
let t: TestGraph;
let second: GatewayProcess;
let redis: Redis;
const prefix = uniquePrefix('fanout');
const connections: WsConnection[] = [];

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  t = await startTestGraph({ seed: false, fanout: new RedisFanout({ url: REDIS_URL, prefix }) });
  second = await startGatewayProcess({
    registryUrl: t.graph.registry.url,
    registryToken: t.registryToken,
    publicJwk: t.keys.publicJwk,
    internalSecret: TEST_INTERNAL_SECRET,
    redisUrl: REDIS_URL,
    fanoutPrefix: prefix,
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(connections.map((connection) => connection.dispose()));
  await killAllTestProcesses();
  await t?.close();
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const STATUS = `subscription($orderId: ID) { returnStatusChanged(orderId: $orderId) { cursor sequence status return { number order { number } } } }`;
type StatusUpdate = { returnStatusChanged: { cursor: string; sequence: number; status: string; return: { number: string; order: { number: string } } } };

describe('two gateway processes', () => {
  it('delivers to a subscriber on the second gateway the updates of a mutation sent to the first, in order', async () => {
    const bought = await recordOrder(t, t.database.db, {
      customerId: `cus_g_${randomUUID().slice(0, 8)}`,
      lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 1 }],
    });
    const customer = principals.customer(bought.customerId);
    const onSecond = connect(second.wsUrl, await t.tokenFor(customer));
    const onFirst = connect(t.url.replace(/^http/, 'ws'), await t.tokenFor(customer));
    connections.push(onSecond, onFirst);
    const remote = onSecond.subscribe<StatusUpdate>(STATUS, { orderId: bought.id });
    const local = onFirst.subscribe<StatusUpdate>(STATUS, { orderId: bought.id });
    await second.waitForSubscribers(1);
    await waitUntil(
      () => t.graph.gateway.subscriberCount() === 1,
      () => `the first gateway has ${t.graph.gateway.subscriberCount()} subscribers, not 1`,
    );

    // Every mutation goes to the first gateway (the test graph's own).
    const ret = await mutateOk(t, customer, 'requestReturn', { orderId: bought.id, channel: 'ECOMMERCE', lines: [lineInput(bought.lines[0]?.id as string)] });
    await mutateOk(t, customer, 'markReturnInTransit', { returnId: ret.id, carrier: 'UPS', trackingNumber: '1Z2' });

    const received = await remote.waitFor(2);
    expect(received.map((update) => update.returnStatusChanged.status)).toEqual(['AUTHORIZED', 'IN_TRANSIT']);
    for (const update of received) expect(update.returnStatusChanged.return).toEqual({ number: ret.number, order: { number: bought.number } });
    await local.waitFor(received.length);
    // Both gateways deliver the same updates, in the same order, once each.
    expect(remote.updates.map((update) => update.returnStatusChanged.cursor)).toEqual(local.updates.map((update) => update.returnStatusChanged.cursor));
    const sequences = remote.updates.map((update) => update.returnStatusChanged.sequence);
    expect(sequences).toEqual([...new Set(sequences)].sort((a, b) => a - b));

    await onSecond.dispose();
    await second.waitForSubscribers(0);
  });

  it('keeps tenancy on the second gateway: another customer receives nothing', async () => {
    const bought = await recordOrder(t, t.database.db, {
      customerId: `cus_g_${randomUUID().slice(0, 8)}`,
      lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 1 }],
    });
    const owner = principals.customer(bought.customerId);
    const stranger = connect(second.wsUrl, await t.tokenFor(principals.customer(`cus_g_${randomUUID().slice(0, 8)}`)));
    const ownerOnSecond = connect(second.wsUrl, await t.tokenFor(owner));
    connections.push(stranger, ownerOnSecond);
    const prying = stranger.subscribe<StatusUpdate>(STATUS, { orderId: bought.id });
    const own = ownerOnSecond.subscribe<StatusUpdate>(STATUS, { orderId: bought.id });
    await second.waitForSubscribers(2);
    await mutateOk(t, owner, 'requestReturn', { orderId: bought.id, channel: 'ECOMMERCE', lines: [lineInput(bought.lines[0]?.id as string)] });
    await own.waitFor(1);
    // The owner's update has arrived; the stranger's would have come with it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(prying.updates).toEqual([]);
  });
});
