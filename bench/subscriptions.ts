import { randomBytes } from 'node:crypto';
import { execSync } from 'node:child_process';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import type { PostgresDb } from '../platform/db';
import { createBenchDatabase } from './support';
import type { BenchSettings } from './settings';
import { canSeeUpdate, ClientTokenVerifier, InternalTokens, generateSigningKeys, signClientToken, type Principal, type SigningKeys } from '../platform/auth';
import { RedisFanout } from '../platform/events/fanout';
import { deletePrefix, uniquePrefix } from '../platform/events/testing/redis-kit';
import { killAllTestProcesses } from '../test/processes/child-kit';
import { startGraph, type RunningGraph } from '../app/graph';
import { startGatewayProcess, type GatewayStats } from '../test/processes/gateway-kit';
import { lineInput, mutateOk, recordOrderOnly, waitForSnapshots, WAREHOUSE_ID, type Caller, type RecordedOrder } from '../test/support/returns-kit';
import { principals } from '../test/support/principals';
import { postGraphQL } from '../test/support/subgraph-client';
import { delta, scrape } from '../test/support/metrics-scrape';

/**
 * Many subscribers, each with its OWN principal on its own connection, in a realistic mix —
 * customers, store associates (50 per store), marketplace partners' users — on ONE gateway process
 * (its own process, so its memory is its own), with return status events at a steady rate from
 * online, marketplace and counter returns. Prints delivered / missing / duplicated against what
 * each subscriber's tenancy entitles it to (from the event log), event-to-client latency (outbox
 * `occurred_at` → receipt), resolutions per event (the gateway's own counter) and gateway RSS.
 */

/** Connections opened at once: bounds the handshake and token-verification burst. */
const CONNECT_BATCH = 100;
/** The mix: a share of customers, store associates 50 to a store, partner users 20 to a partner, the rest. */
const CUSTOMER_SHARE = 0.6;
const ASSOCIATE_SHARE = 0.3;
const ASSOCIATES_PER_STORE = 50;
const USERS_PER_PARTNER = 20;
/** The demo's stores: counter returns happen there, so their associates see updates; other stores' associates see none (a quiet store). */
const EVENT_STORES = ['loc_store_nyc', 'loc_store_sfo', 'loc_store_chi', 'loc_store_aus'];
/** Returns in flight at once: each runs its steps one after another, so the steady rate needs several. */
const LANES = 10;
/** How long the last updates may take to reach every client after production stops. */
const DRAIN_MS = 15_000;
/** How long the subscriptions may take to be registered at the gateway. */
const SUBSCRIBE_WAIT_MS = 120_000;
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
/** The prefix of this project's metric names (platform/metrics/registry.ts). */
const METRICS = 'returns_graph_';

/** The subscribers' principals: `count` distinct subjects in the mix. */
function mix(count: number): Principal[] {
  const customers = Math.round(count * CUSTOMER_SHARE);
  const associates = Math.round(count * ASSOCIATE_SHARE);
  const out: Principal[] = [];
  for (let i = 0; i < customers; i++) out.push({ subject: `user:cus-${i}`, roles: ['customer'], customerId: `cus_sb_${i}`, storeIds: [] });
  for (let i = 0; i < associates; i++) {
    const store = Math.floor(i / ASSOCIATES_PER_STORE);
    out.push({ subject: `user:assoc-${i}`, roles: ['store_associate'], storeIds: [EVENT_STORES[store] ?? `loc_store_quiet_${store}`] });
  }
  for (let i = 0; out.length < count; i++) {
    out.push({ subject: `user:partner-${i}`, roles: ['marketplace_partner'], partnerId: `par_sb_${Math.floor(i / USERS_PER_PARTNER)}`, storeIds: [] });
  }
  return out;
}

interface Figures {
  subscribers: number;
  classes: number;
  events: number;
  expected: number;
  delivered: number;
  missing: number;
  duplicated: number;
  failedSteps: number;
  p50: number;
  p99: number;
  max: number;
  resolutions: number;
  /** Mean time from an event occurring to the gateway handing its update to the subscribers' queues (its own histogram). */
  handOverMeanMs: number;
  idle?: GatewayStats;
  connected?: GatewayStats;
  peak: number;
  connectMs: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Env {
  graph: RunningGraph;
  db: PostgresDb;
  keys: SigningKeys;
  caller: Caller;
  secret: string;
  registryToken: string;
  prefix: string;
  settings: BenchSettings;
}

/** One flow of return events: whose order it is and which steps it takes. */
type Flow =
  | { kind: 'online'; order: RecordedOrder }
  | { kind: 'marketplace'; order: RecordedOrder; partnerId: string }
  | { kind: 'counter'; order: RecordedOrder; storeId: string };

/** Orders for the flows: online ones of subscribing customers, marketplace ones of subscribing partners, counter ones at the demo stores. */
async function makeFlows(env: Env, subscribers: Principal[], count: number): Promise<Flow[]> {
  const customers = subscribers.filter((principal) => principal.customerId).map((principal) => principal.customerId as string);
  const partners = [...new Set(subscribers.filter((principal) => principal.partnerId).map((principal) => principal.partnerId as string))];
  const flows: Flow[] = [];
  for (let i = 0; i < count; i++) {
    const kind = partners.length && i % 3 === 1 ? 'marketplace' : i % 3 === 2 ? 'counter' : 'online';
    const customerId = customers.length ? (customers[(i * 7919) % customers.length] as string) : `cus_sb_x${i}`;
    const partnerId = kind === 'marketplace' ? (partners[i % partners.length] as string) : null;
    const order = await recordOrderOnly(env.caller, {
      customerId,
      channel: kind === 'marketplace' ? 'MARKETPLACE' : kind === 'counter' ? 'POS' : 'ECOMMERCE',
      partnerId,
      storeId: kind === 'counter' ? (EVENT_STORES[i % EVENT_STORES.length] as string) : null,
      lines: [{ sku: 'SKU-APP-003', category: 'apparel', quantity: 1 }],
    });
    if (kind === 'marketplace') flows.push({ kind, order, partnerId: partnerId as string });
    else if (kind === 'counter') flows.push({ kind, order, storeId: EVENT_STORES[i % EVENT_STORES.length] as string });
    else flows.push({ kind, order });
  }
  await waitForSnapshots(
    env.db,
    flows.map((flow) => flow.order.id),
    60_000,
  );
  return flows;
}

/** The mutations of one flow, each producing one status event (a counter return is authorized on the spot). */
function flowSteps(env: Env, flow: Flow): (() => Promise<void>)[] {
  const service = principals.service();
  const current = { id: '', lineId: '' };
  const lines = [lineInput(flow.order.lines[0]?.id as string)];
  if (flow.kind === 'counter') {
    const manager: Principal = { subject: 'bench:manager', roles: ['store_manager'], storeIds: [flow.storeId] };
    return [
      async () => {
        await mutateOk(env.caller, manager, 'authorizeReturn', { orderId: flow.order.id, channel: 'POS', storeId: flow.storeId, lines });
      },
    ];
  }
  const requester: Principal =
    flow.kind === 'marketplace'
      ? { subject: 'bench:partner', roles: ['marketplace_partner'], partnerId: flow.partnerId, storeIds: [] }
      : principals.customer(flow.order.customerId);
  return [
    async () => {
      const ret = await mutateOk(env.caller, requester, 'requestReturn', {
        orderId: flow.order.id,
        channel: flow.kind === 'marketplace' ? 'MARKETPLACE' : 'ECOMMERCE',
        lines,
      });
      Object.assign(current, { id: ret.id, lineId: ret.lines[0]?.id as string });
    },
    async () => {
      await mutateOk(env.caller, service, 'markReturnInTransit', { returnId: current.id, carrier: 'UPS', trackingNumber: '1Z9' });
    },
    async () => {
      await mutateOk(env.caller, service, 'receiveReturnItems', {
        returnId: current.id,
        locationId: WAREHOUSE_ID,
        lines: [{ returnLineId: current.lineId, quantity: 1 }],
      });
    },
    async () => {
      await mutateOk(env.caller, service, 'recordInspection', {
        returnId: current.id,
        locationId: WAREHOUSE_ID,
        lines: [{ returnLineId: current.lineId, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
      });
    },
  ];
}

/** The realistic mix: a fresh gateway process, the subscribers, steady events, the figures. */
async function scenario(env: Env): Promise<Figures> {
  const subscribers = mix(env.settings.subscribers);
  const steps = env.settings.eventsPerSecond * env.settings.eventSeconds;
  process.stdout.write(`recording orders for about ${steps} events…\n`);
  const flows = await makeFlows(env, subscribers, Math.ceil(steps / 2) + LANES);
  const options = {
    registryUrl: env.graph.registry.url,
    registryToken: env.registryToken,
    publicJwk: env.keys.publicJwk,
    internalSecret: env.secret,
    redisUrl: env.settings.redisUrl,
    fanoutPrefix: env.prefix,
    statsMs: STATS_MS,
  };
  // One more try when the process misses its start-up time (on a busy machine compiling it takes a while).
  const gateway = await startGatewayProcess(options).catch(() => startGatewayProcess(options));
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const idle = gateway.stats();
  const latencies: number[] = [];
  const received = subscribers.map(() => new Map<string, number>());
  const clients: Client[] = [];
  const connectStart = Date.now();
  for (let batch = 0; batch < subscribers.length; batch += CONNECT_BATCH) {
    const opened: Promise<void>[] = [];
    for (let i = batch; i < Math.min(subscribers.length, batch + CONNECT_BATCH); i++) {
      const token = await signClientToken(subscribers[i] as Principal, env.keys.privateJwk);
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
      const mine = received[i] as Map<string, number>;
      client.subscribe<{ returnStatusChanged: { cursor: string; occurredAt: string } }>(
        { query: SUBSCRIPTION },
        {
          next: (result) => {
            const update = result.data?.returnStatusChanged;
            if (!update) return;
            mine.set(update.cursor, (mine.get(update.cursor) ?? 0) + 1);
            latencies.push(Date.now() - Date.parse(update.occurredAt));
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    }
    await Promise.all(opened);
  }
  await gateway.waitForSubscribers(subscribers.length, SUBSCRIBE_WAIT_MS);
  const connectMs = Date.now() - connectStart;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const connected = gateway.stats();
  const metricsUrl = gateway.httpUrl.replace(/\/graphql$/, '');
  const before = await scrape(metricsUrl);

  const start = (await env.db.query<{ position: number }>('SELECT coalesce(max(position), 0)::int8 AS position FROM returns.outbox')).rows[0]?.position ?? 0;
  // Steps are started at the rate; each lane runs its returns' steps in order.
  let failedSteps = 0;
  const queue = flows.map((flow) => flowSteps(env, flow));
  const lanes: Promise<void>[] = Array.from({ length: LANES }, () => Promise.resolve());
  const laneSteps: (() => Promise<void>)[][] = Array.from({ length: LANES }, () => []);
  const began = Date.now();
  const intervalMs = 1000 / env.settings.eventsPerSecond;
  for (let step = 0; step < steps; step++) {
    const at = began + step * intervalMs;
    if (Date.now() < at) await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    const lane = step % LANES;
    if ((laneSteps[lane] as (() => Promise<void>)[]).length === 0) laneSteps[lane] = queue.shift() ?? [];
    const next = (laneSteps[lane] as (() => Promise<void>)[]).shift();
    if (!next) continue;
    lanes[lane] = (lanes[lane] as Promise<void>).then(() =>
      next().catch((error: unknown) => {
        failedSteps++;
        if (failedSteps <= 3) process.stdout.write(`  step failed: ${(error as Error).message.slice(0, 300)}\n`);
      }),
    );
  }
  await Promise.all(lanes);
  // Refunds complete returns a little later; wait until every entitled update arrived or the drain ends.
  const drainUntil = Date.now() + DRAIN_MS;
  let expectedBy: Set<string>[] = [];
  let events = 0;
  for (;;) {
    const { rows } = await env.db.query<{ position: number; data: Record<string, unknown> }>(
      'SELECT position::int8 AS position, data FROM returns.outbox WHERE position > $1 AND type = ANY($2) ORDER BY position',
      [start, STATUS_TYPES],
    );
    events = rows.length;
    expectedBy = subscribers.map(
      (principal) =>
        new Set(rows.filter((row) => canSeeUpdate(principal, row.data)).map((row) => Buffer.from(`returns:${row.position}`).toString('base64url'))),
    );
    const missing = expectedBy.reduce((sum, expected, i) => sum + [...expected].filter((cursor) => !received[i]?.has(cursor)).length, 0);
    if (missing === 0 || Date.now() > drainUntil) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const after = await scrape(metricsUrl);
  const peak = Math.max(...gateway.child.lines.filter((line) => line.startsWith('stats ')).map((line) => (JSON.parse(line.slice(6)) as GatewayStats).rss));
  await Promise.all(clients.map((client) => client.dispose()));
  await gateway.kill();
  let expected = 0;
  let delivered = 0;
  let missing = 0;
  let duplicated = 0;
  expectedBy.forEach((set, i) => {
    const mine = received[i] as Map<string, number>;
    expected += set.size;
    for (const [cursor, times] of mine) {
      if (set.has(cursor)) delivered++;
      duplicated += times - 1;
    }
    for (const cursor of set) if (!mine.has(cursor)) missing++;
  });
  const sorted = Float64Array.from(latencies).sort();
  return {
    subscribers: subscribers.length,
    classes: new Set(subscribers.map((principal) => JSON.stringify([principal.roles, principal.customerId, principal.partnerId, principal.storeIds]))).size,
    events,
    expected,
    delivered,
    missing,
    duplicated,
    failedSteps,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN,
    resolutions: delta(before, after, `${METRICS}gateway_subscription_resolutions_total`),
    handOverMeanMs:
      (1000 * delta(before, after, `${METRICS}gateway_subscription_delivery_lag_seconds_sum`)) /
      Math.max(1, delta(before, after, `${METRICS}gateway_subscription_delivery_lag_seconds_count`)),
    idle,
    connected,
    peak,
    connectMs,
  };
}

function print(figures: Figures, settings: BenchSettings): void {
  const mb = (bytes: number | undefined) => (bytes === undefined ? '?' : `${Math.round(bytes / MB)} MB`);
  process.stdout.write(
    `\nrealistic mix: ${figures.subscribers} subscribers, each its own principal and connection (${Math.round(CUSTOMER_SHARE * 100)}% customers, ` +
      `${Math.round(ASSOCIATE_SHARE * 100)}% store associates ${ASSOCIATES_PER_STORE} to a store, the rest partner users ${USERS_PER_PARTNER} to a partner): ` +
      `${figures.classes} audience classes; connected and registered in ${figures.connectMs} ms\n` +
      `  events ${figures.events} (${settings.eventsPerSecond}/s for ${settings.eventSeconds} s, plus refund completions; ${figures.failedSteps} steps failed)\n` +
      `  updates: expected ${figures.expected}, delivered ${figures.delivered}, missing ${figures.missing}, duplicated ${figures.duplicated}\n` +
      `  event-to-client latency p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms; event to the gateway's hand-over, mean ${Math.round(figures.handOverMeanMs)} ms\n` +
      `  resolutions ${figures.resolutions} = ${(figures.resolutions / Math.max(1, figures.events)).toFixed(2)} per event\n` +
      `  gateway process RSS ${mb(figures.idle?.rss)} idle → ${mb(figures.connected?.rss)} with subscribers (heap ${mb(figures.idle?.heapUsed)} → ${mb(figures.connected?.heapUsed)}); peak RSS during events ${mb(figures.peak)}\n`,
  );
}

/** `npm run bench -- subscriptions [--subscribers <n>] [--events-per-second <n>] [--event-seconds <n>]` */
export async function benchSubscriptions(settings: BenchSettings): Promise<void> {
  process.stdout.write(`file-descriptor limit (ulimit -n) of this shell: ${execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim()}\n`);
  // The demo's locations (the returns warehouse and the stores among them) let inventory book the returns.
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
    print(await scenario({ graph, db, keys, caller, secret, registryToken, prefix, settings }), settings);
  } finally {
    await killAllTestProcesses();
    await graph.close();
    await drop();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  }
}
