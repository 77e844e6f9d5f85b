import { randomUUID } from 'node:crypto';
import type { Principal } from '../platform/auth';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { delta, scrape, sum, type Scrape } from './support/metrics-scrape';
import { postGraphQL } from './support/subgraph-client';
import { WAREHOUSE_ID, lineInput, mutate, mutateOk, newKey, recordOrder, type Caller, type ReturnMutation } from './support/returns-kit';

/**
 * `/metrics` on every server of the graph, and its counters moving as one return flows through it
 * (request → authorize → in transit → receive → inspect → refund paid → memo posted): two scrapes,
 * before and after, and the deltas of named series.
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

/** How long the pipeline may take to pay the refund and post its memo (settlement polls up to 1 s, posting rounds of 100 ms). */
const SETTLE_WAIT_MS = 25_000;
const POLL_MS = 100;

/** Polls `read` until it holds, failing with `what` after `SETTLE_WAIT_MS`. */
async function eventually(what: string, read: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + SETTLE_WAIT_MS;
  while (!(await read())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${SETTLE_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The test graph's caller, sending every operation under a name (`mutation RequestReturn(…)`), as
 * a well-behaved client does, so the gateway's series carry the operation name.
 */
const named: Caller = {
  query: (principal: Principal, document: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
    const field = /\{\s*(\w+)/.exec(document)?.[1] ?? 'Unnamed';
    const name = field.charAt(0).toUpperCase() + field.slice(1);
    return t.query(principal, document.replace(/^(mutation|query)\s*\(/, `$1 ${name}(`), variables, headers);
  },
};

const gatewayMetrics = () => scrape(t.graph.gateway.url);

describe('/metrics', () => {
  it('is served by the gateway, every subgraph and the registry, without credentials, in the Prometheus text format', async () => {
    const servers = [t.graph.gateway.url, t.graph.registry.url, ...t.graph.subgraphs.map((subgraph) => subgraph.url)];
    expect(servers).toHaveLength(6);
    for (const url of servers) {
      const samples = await scrape(url);
      // Node's process metrics, unprefixed, and this product's, prefixed.
      expect(sum(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(samples.some((sample) => sample.name.startsWith('returns_graph_'))).toBe(true);
    }
    const post = await fetch(`${t.graph.gateway.url}/metrics`, { method: 'POST' });
    expect(post.status).toBe(405);
  });

  it('reads pool saturation and outbox lag at scrape time', async () => {
    const samples = await gatewayMetrics();
    expect(sum(samples, 'returns_graph_db_pool_clients', { state: 'max' })).toBeGreaterThan(0);
    for (const subgraph of ['orders', 'returns', 'inventory', 'refunds']) {
      expect(samples.find((sample) => sample.name === 'returns_graph_outbox_lag_seconds' && sample.labels.subgraph === subgraph)?.value).toBeGreaterThanOrEqual(
        0,
      );
      expect(samples.some((sample) => sample.name === 'returns_graph_outbox_pending_events' && sample.labels.subgraph === subgraph)).toBe(true);
    }
  });
});

describe('requests that never become an operation', () => {
  it('count as unresolved with their error code, whatever name the client sent', async () => {
    const before = await gatewayMetrics();
    const unparsable = await t.query(principals.operations(), 'query Garbage { orders(', {});
    expect(unparsable.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    const refused = await postGraphQL(t.url, 'query Whoami { __typename }', {}, { authorization: 'Bearer not-a-token' });
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const after = await gatewayMetrics();
    const unresolved = (status: string) => delta(before, after, 'returns_graph_gateway_requests_total', { operation: 'unresolved', type: 'unknown', status });
    expect(unresolved('GRAPHQL_PARSE_FAILED')).toBe(1);
    expect(unresolved('UNAUTHENTICATED')).toBe(1);
    expect(after.some((sample) => sample.labels.operation === 'Garbage' || sample.labels.operation === 'Whoami')).toBe(false);
  });
});

describe('the counters of one return, from request to a posted credit memo', () => {
  let before: Scrape;
  let after: Scrape;
  let returnId: string;

  beforeAll(async () => {
    const order = await recordOrder(named, t.database.db, {
      customerId: `cus_t_${randomUUID().slice(0, 8)}`,
      lines: [{ sku: 'SKU-APP-004', category: 'apparel', quantity: 2, unitPrice: '30.00' }],
    });
    before = await gatewayMetrics();

    const customer = principals.customer(order.customerId);
    const wms = principals.service();
    const request = { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(order.lines[0]?.id as string, 2)] };
    const requestKey = newKey('request');
    const requested = await mutate(named, customer, 'requestReturn', request, { key: requestKey });
    const ret = requested.payload?.return;
    if (!ret) throw new Error(`requestReturn failed: ${JSON.stringify(requested.response.errors ?? requested.payload?.userErrors)}`);
    returnId = ret.id;
    // The same key again: replayed; the same key with other input: refused as a mismatch.
    await mutate(named, customer, 'requestReturn', request, { key: requestKey });
    await mutate(named, customer, 'requestReturn', { ...request, lines: [lineInput(order.lines[0]?.id as string, 1)] }, { key: requestKey });

    const lineId = ret.lines[0]?.id as string;
    const step = (principal: Principal, name: ReturnMutation, input: Record<string, unknown>) => mutateOk(named, principal, name, input);
    await step(customer, 'markReturnInTransit', { returnId, carrier: 'UPS', trackingNumber: '1Z999' });
    await step(wms, 'receiveReturnItems', { returnId, locationId: WAREHOUSE_ID, lines: [{ returnLineId: lineId, quantity: 2 }] });
    await step(wms, 'recordInspection', {
      returnId,
      locationId: WAREHOUSE_ID,
      lines: [{ returnLineId: lineId, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] }],
    });
    const db = t.database.db;
    await eventually('the refund is paid and its credit memo posted', async () => {
      const { rows } = await db.query<{ status: string; memo: string | null }>(
        `SELECT r.status, m.status AS memo FROM refunds.refunds r LEFT JOIN refunds.credit_memos m ON m.refund_id = r.id WHERE r.return_id = $1`,
        [returnId],
      );
      return rows.length === 1 && rows[0]?.status === 'SUCCEEDED' && rows[0]?.memo === 'POSTED';
    });
    await eventually('the stock movement is posted to the ERP', async () => {
      const { rows } = await db.query(`SELECT 1 FROM inventory.erp_postings WHERE status = 'QUEUED'`);
      return rows.length === 0;
    });
    after = await gatewayMetrics();
  }, 60_000);

  const grew = (name: string, labels: Record<string, string> = {}) => delta(before, after, `returns_graph_${name}`, labels);

  it('counts each client operation by its name, type and status, and times it', () => {
    expect(grew('gateway_requests_total', { operation: 'RequestReturn', type: 'mutation', status: 'ok' })).toBe(3);
    expect(grew('gateway_requests_total', { operation: 'MarkReturnInTransit', type: 'mutation', status: 'ok' })).toBe(1);
    expect(grew('gateway_requests_total', { operation: 'ReceiveReturnItems', type: 'mutation', status: 'ok' })).toBe(1);
    expect(grew('gateway_requests_total', { operation: 'RecordInspection', type: 'mutation', status: 'ok' })).toBe(1);
    expect(grew('gateway_request_duration_seconds_count', { operation: 'RecordInspection', type: 'mutation' })).toBe(1);
    expect(grew('gateway_request_duration_seconds_sum', { operation: 'RecordInspection', type: 'mutation' })).toBeGreaterThan(0);
    expect(grew('gateway_subgraph_fetches_total', { subgraph: 'returns', outcome: 'ok' })).toBeGreaterThanOrEqual(6);
    expect(grew('gateway_subgraph_fetch_duration_seconds_count', { subgraph: 'returns' })).toBeGreaterThanOrEqual(6);
  });

  it('counts the replayed key and the key reused with other input', () => {
    expect(grew('idempotency_requests_total', { subgraph: 'returns', operation: 'requestReturn', outcome: 'replayed' })).toBe(1);
    expect(grew('idempotency_requests_total', { subgraph: 'returns', operation: 'requestReturn', outcome: 'mismatch' })).toBe(1);
  });

  it('counts the events the relays published and the consumers handled', () => {
    // ReturnRequested (and its authorization), in transit, received, inspected, completed.
    expect(grew('relay_published_events_total', { subgraph: 'returns' })).toBeGreaterThanOrEqual(4);
    expect(grew('relay_published_events_total', { subgraph: 'refunds' })).toBeGreaterThanOrEqual(2);
    expect(grew('consumer_events_total', { consumer: 'refunds.return-refunds', outcome: 'handled' })).toBeGreaterThanOrEqual(1);
    expect(grew('consumer_events_total', { outcome: 'handled' })).toBeGreaterThanOrEqual(6);
    expect(grew('consumer_dead_letters_total')).toBe(0);
  });

  it('counts the refund succeeding at its provider, and times the provider call', () => {
    expect(grew('refund_tender_transitions_total', { status: 'SUCCEEDED' })).toBe(1);
    expect(grew('refund_tender_transitions_total', { status: 'FAILED' })).toBe(0);
    expect(grew('payment_provider_call_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('counts the credit memo and the stock movement queued and posted to the ERP, and the wait for its limiter', () => {
    expect(grew('erp_postings_total', { kind: 'credit_memo', event: 'queued' })).toBe(1);
    expect(grew('erp_postings_total', { kind: 'credit_memo', event: 'posted' })).toBe(1);
    expect(grew('erp_postings_total', { kind: 'stock_movement', event: 'queued' })).toBeGreaterThanOrEqual(1);
    expect(grew('erp_postings_total', { kind: 'stock_movement', event: 'posted' })).toBeGreaterThanOrEqual(1);
    expect(grew('erp_postings_total', { event: 'failed' })).toBe(0);
    expect(grew('erp_throttle_wait_seconds_count')).toBeGreaterThanOrEqual(2);
  });

  it('names no tenant, customer or id in any label', () => {
    const values = after.flatMap((sample) => Object.values(sample.labels));
    expect(values.filter((value) => value.includes(returnId) || value.startsWith('cus_') || value.startsWith('ord_'))).toEqual([]);
  });
});
