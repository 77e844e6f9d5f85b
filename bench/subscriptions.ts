import { randomBytes } from 'node:crypto';
import { execSync } from 'node:child_process';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import type { PostgresDb } from '../platform/db';
import { createBenchDatabase } from './support';
import type { BenchSettings } from './settings';
import { ClientTokenVerifier, InternalTokens, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../platform/auth';
import { RedisFanout } from '../platform/events/fanout';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';
import { killAllTestProcesses } from '../test/processes/child-kit';
import { startGraph, type RunningGraph } from '../app/graph';
import { startGatewayProcess, type GatewayStats } from '../test/processes/gateway-kit';
import { lineInput, mutateOk, recordOrderOnly, waitForSnapshots, WAREHOUSE_ID, type Caller, type RecordedOrder } from '../test/support/returns-kit';
import { principals } from '../test/support/principals';
import { postGraphQL } from '../test/support/subgraph-client';

/**
 * Many concurrent subscribers on ONE gateway process (its own process, so its memory is its own),
 * events at a steady rate: event-to-client latency (outbox `occurred_at` → receipt at the client),
 * delivered vs expected, and the gateway's memory before and with the subscribers connected.
 * Run once with every subscriber under one principal (one resolution per event for all), once
 * split over `PRINCIPAL_GROUPS` principals.
 */

/** Connections opened at once: bounds the handshake and token-verification burst. */
const CONNECT_BATCH = 100;
/** One return step every 200 ms (5 updates per second) for 20 s. */
const EVENT_INTERVAL_MS = 200;
const PRODUCE_MS = 20_000;
/** Mutations per return (request, in transit, receive, inspect); the refund then completes it. */
const STEPS_PER_RETURN = 4;
/** Principals of the split run: each its own group, resolved separately per event. */
const PRINCIPAL_GROUPS = 50;
/** How long the last updates may take to reach every client after production stops. */
const DRAIN_MS = 15_000;
/** How long 10,000 subscriptions may take to be registered at the gateway. */
const SUBSCRIBE_WAIT_MS = 60_000;
/** Settle time after subscribing before reading the gateway's memory. */
const SETTLE_MS = 2_000;
/** Stats lines of the gateway process: frequent enough to catch its peak memory. */
const STATS_MS = 500;

const SUBSCRIPTION = `subscription { returnStatusChanged { cursor sequence status occurredAt return { number order { number } } } }`;
const STATUS_TYPES = [
  'ReturnRequested',
  'ReturnAuthorized',
  'ReturnDeclined',
  'ReturnCanceled',
  'ReturnInTransit',
  'ReturnItemsReceived',
  'ReturnInspected',
  'ReturnCompleted',
];
const MB = 1024 * 1024;

interface Figures {
  label: string;
  subscriptions: number;
  connections: number;
  groups: number;
  events: number;
  delivered: number;
  expected: number;
  p50: number;
  p99: number;
  max: number;
  idle?: GatewayStats;
  connected?: GatewayStats;
  peak: number;
  connectMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

/** One scenario: a fresh gateway process, the subscribers, steady events, the figures. */
async function scenario(
  label: string,
  env: {
    graph: RunningGraph;
    db: PostgresDb;
    keys: SigningKeys;
    caller: Caller;
    secret: string;
    registryToken: string;
    prefix: string;
    settings: BenchSettings;
    orders: RecordedOrder[];
  },
  principalOf: (connection: number) => Principal,
): Promise<Figures> {
  // The bench measures fan-out, not the per-principal cap: its one-principal run holds every subscription.
  const gateway = await startGatewayProcess({
    registryUrl: env.graph.registry.url,
    registryToken: env.registryToken,
    publicJwk: env.keys.publicJwk,
    internalSecret: env.secret,
    redisUrl: env.settings.redisUrl,
    fanoutPrefix: env.prefix,
    statsMs: STATS_MS,
    maxSubscriptionsPerPrincipal: env.settings.connections * env.settings.subscriptionsPerConnection,
  });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const idle = gateway.stats();
  const latencies: number[] = [];
  let delivered = 0;
  const clients: Client[] = [];
  const tokens = new Map<string, string>();
  const connectStart = Date.now();
  for (let batch = 0; batch < env.settings.connections; batch += CONNECT_BATCH) {
    const opened: Promise<void>[] = [];
    for (let i = batch; i < Math.min(env.settings.connections, batch + CONNECT_BATCH); i++) {
      const principal = principalOf(i);
      let token = tokens.get(principal.subject);
      if (!token) tokens.set(principal.subject, (token = await signClientToken(principal, env.keys.privateJwk)));
      const client = createClient({
        url: gateway.wsUrl,
        webSocketImpl: WebSocket,
        lazy: false,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${token}` },
        onNonLazyError: () => undefined,
      });
      clients.push(client);
      opened.push(new Promise<void>((resolve) => client.on('connected', () => resolve())));
      for (let s = 0; s < env.settings.subscriptionsPerConnection; s++) {
        client.subscribe<{ returnStatusChanged: { occurredAt: string } }>(
          { query: SUBSCRIPTION },
          {
            next: (result) => {
              const occurredAt = result.data?.returnStatusChanged.occurredAt;
              if (!occurredAt) return;
              delivered++;
              latencies.push(Date.now() - Date.parse(occurredAt));
            },
            error: () => undefined,
            complete: () => undefined,
          },
        );
      }
    }
    await Promise.all(opened);
  }
  const subscriptions = env.settings.connections * env.settings.subscriptionsPerConnection;
  await gateway.waitForSubscribers(subscriptions, SUBSCRIBE_WAIT_MS);
  const connectMs = Date.now() - connectStart;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const connected = gateway.stats();

  const start = (await env.db.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int8 AS seq FROM returns.outbox')).rows[0]?.seq ?? 0;
  const steps = Math.floor(PRODUCE_MS / EVENT_INTERVAL_MS);
  const service = principals.service();
  let current = { id: '', lineId: '' };
  const began = Date.now();
  for (let step = 0; step < steps; step++) {
    const at = began + step * EVENT_INTERVAL_MS;
    if (Date.now() < at) await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    const phase = step % STEPS_PER_RETURN;
    if (phase === 0) {
      const order = env.orders[step / STEPS_PER_RETURN] as RecordedOrder;
      const ret = await mutateOk(env.caller, principals.customer(order.customerId), 'requestReturn', {
        orderId: order.id,
        channel: 'ECOMMERCE',
        lines: [lineInput(order.lines[0]?.id as string)],
      });
      current = { id: ret.id, lineId: ret.lines[0]?.id as string };
    } else if (phase === 1) {
      await mutateOk(env.caller, service, 'markReturnInTransit', { returnId: current.id, carrier: 'UPS', trackingNumber: '1Z9' });
    } else if (phase === 2) {
      await mutateOk(env.caller, service, 'receiveReturnItems', {
        returnId: current.id,
        locationId: WAREHOUSE_ID,
        lines: [{ returnLineId: current.lineId, quantity: 1 }],
      });
    } else {
      await mutateOk(env.caller, service, 'recordInspection', {
        returnId: current.id,
        locationId: WAREHOUSE_ID,
        lines: [{ returnLineId: current.lineId, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
      });
    }
  }
  // Refunds complete the last returns a little later; wait until the log is quiet and every update arrived.
  const drainUntil = Date.now() + DRAIN_MS;
  let expectedEvents = 0;
  for (;;) {
    const { rows } = await env.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM returns.outbox WHERE seq > $1 AND type = ANY($2)', [
      start,
      STATUS_TYPES,
    ]);
    expectedEvents = rows[0]?.n ?? 0;
    if (delivered >= expectedEvents * subscriptions || Date.now() > drainUntil) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const peak = Math.max(...gateway.child.lines.filter((line) => line.startsWith('stats ')).map((line) => (JSON.parse(line.slice(6)) as GatewayStats).rss));
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway.kill();
  const sorted = Float64Array.from(latencies).sort();
  return {
    label,
    subscriptions,
    connections: env.settings.connections,
    groups: tokens.size,
    events: expectedEvents,
    delivered,
    expected: expectedEvents * subscriptions,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    idle,
    connected,
    peak,
    connectMs,
  };
}

function print(figures: Figures): void {
  const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : `${Math.round(bytes / MB)} MB`);
  process.stdout.write(
    `\n${figures.label}\n` +
      `  subscriptions ${figures.subscriptions} over ${figures.connections} WebSocket connections, ${figures.groups} principal(s); connected and registered in ${figures.connectMs} ms\n` +
      `  events ${figures.events} (one every ${EVENT_INTERVAL_MS} ms for ${PRODUCE_MS / 1000} s, plus refund completions); delivered ${figures.delivered} of ${figures.expected} expected\n` +
      `  event-to-client latency p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms\n` +
      `  gateway process RSS ${mb(figures.idle?.rss)} idle → ${mb(figures.connected?.rss)} with subscribers (heap ${mb(figures.idle?.heapUsed)} → ${mb(figures.connected?.heapUsed)}); peak RSS during events ${mb(figures.peak)}\n` +
      `  per subscription ≈ ${figures.idle && figures.connected ? Math.round((figures.connected.rss - figures.idle.rss) / figures.subscriptions) : '?'} bytes RSS\n`,
  );
}

/** `npm run bench -- subscriptions` */
export async function benchSubscriptions(settings: BenchSettings): Promise<void> {
  process.stdout.write(`file-descriptor limit (ulimit -n) of this shell: ${execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim()}\n`);
  // The demo's locations (the returns warehouse among them) let inventory book the returns.
  const { db, drop } = await createBenchDatabase('subs', settings.adminUrl, { seed: true });
  const keys = await generateSigningKeys();
  const secret = randomBytes(32).toString('base64url');
  const registryToken = randomBytes(24).toString('base64url');
  const prefix = uniquePrefix('bench-subscriptions');
  const redis = new Redis(settings.redisUrl);
  const graph = await startGraph({
    db,
    ports: { gateway: 0, registry: 0, subgraphs: { orders: 0, returns: 0, inventory: 0, refunds: 0 } },
    verifier: await ClientTokenVerifier.fromPublicJwk(keys.publicJwk),
    internalTokens: new InternalTokens(secret),
    registryToken,
    fanout: new RedisFanout({ url: settings.redisUrl, prefix }),
  });
  try {
    const url = `${graph.gateway.url}/graphql`;
    const caller: Caller = {
      query: async (principal, query, variables = {}) =>
        postGraphQL(url, query, variables, { authorization: `Bearer ${await signClientToken(principal, keys.privateJwk)}` }),
    };
    const returnsPerRun = Math.ceil(PRODUCE_MS / EVENT_INTERVAL_MS / STEPS_PER_RETURN) + 1;
    const makeOrders = async () => {
      const orders: RecordedOrder[] = [];
      for (let i = 0; i < returnsPerRun; i++) {
        orders.push(
          await recordOrderOnly(caller, {
            customerId: `cus_b_${randomBytes(4).toString('hex')}`,
            lines: [{ sku: 'SKU-APP-003', category: 'apparel', quantity: 1 }],
          }),
        );
      }
      await waitForSnapshots(
        db,
        orders.map((order) => order.id),
        60_000,
      );
      return orders;
    };
    const env = { graph, db, keys, caller, secret, registryToken, prefix, settings };
    const operations = principals.operations();
    print(await scenario('one principal (one group: each update resolved once for all)', { ...env, orders: await makeOrders() }, () => operations));
    print(
      await scenario(
        `${PRINCIPAL_GROUPS} principals (${PRINCIPAL_GROUPS} groups: each update resolved ${PRINCIPAL_GROUPS} times)`,
        { ...env, orders: await makeOrders() },
        (i) => ({
          ...operations,
          subject: `user:ops-${i % PRINCIPAL_GROUPS}`,
        }),
      ),
    );
  } finally {
    await killAllTestProcesses();
    await graph.close();
    await drop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}
