import { randomUUID } from 'node:crypto';
import { ROOT_CONTEXT, trace, type Span } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { CORRELATION_ATTRIBUTE, CorrelationSpanProcessor, SUBGRAPH_ATTRIBUTE } from '../platform/telemetry';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { newKey, recordOrder, type Caller } from './support/returns-kit';
import { connect, type WsConnection } from './support/subscription-client';

/**
 * One business flow, one trace: an order recorded and a refund issued through the gateway, under a
 * fixed `x-correlation-id`, yield spans of all four subgraphs, the outbox relay, the consumers that
 * handle the events, the payment provider's refund and the ERP posting — in ONE trace, every span
 * carrying the correlation id. The SDK here is registered programmatically with an in-memory
 * exporter (app/telemetry.ts does it with the OTLP exporter in a real process); the undici
 * instrumentation, which propagates the trace from the gateway to the subgraphs, works through
 * diagnostics channels and needs no module patching. The HTTP and pg instrumentations patch modules
 * as they load, which Jest's module system bypasses: their spans (HTTP server, SQL) are not asserted here.
 */
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new CorrelationSpanProcessor(), new SimpleSpanProcessor(exporter)] });
provider.register();
const stopInstrumentation = registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation()] });

let t: TestGraph;
let connection: WsConnection | undefined;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
}, 60_000);

afterAll(async () => {
  await connection?.dispose();
  await t.close();
  stopInstrumentation();
  await provider.shutdown();
});

const ISSUE = `mutation($input: IssueRefundInput!, $key: String!) { issueRefund(input: $input, idempotencyKey: $key) {
  refund { id status } userErrors { code message } } }`;
const ORDER = `query($number: String!) { orderByNumber(number: $number) { number
  lines { sku inventoryItem { availability { availableToSell } } } returns { id } refunds { id status } } }`;
const REFUND = `query($id: ID!) { refund(id: $id) { status creditMemo { status } } }`;

/** Spans exported so far that belong to `traceId`. */
const spansOf = (traceId: string): ReadableSpan[] => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);

/** Polls until `done` holds of the trace's spans, failing with what was seen after `timeoutMs`. */
async function traceUntil(traceId: string, done: (spans: ReadableSpan[]) => boolean, timeoutMs = 25_000): Promise<ReadableSpan[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const spans = spansOf(traceId);
    if (done(spans)) return spans;
    if (Date.now() > deadline) throw new Error(`the trace is incomplete; spans: ${spans.map((span) => span.name).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const named = (spans: ReadableSpan[], pattern: RegExp) => spans.filter((span) => pattern.test(span.name));
const subgraphsIn = (spans: ReadableSpan[]) => new Set(spans.map((span) => span.attributes[SUBGRAPH_ATTRIBUTE]).filter(Boolean));

describe('one trace per business flow', () => {
  it('holds the gateway, all four subgraphs, the relay, the consumers, the provider refund and the ERP posting under one correlation id', async () => {
    const correlationId = `trace-test-${randomUUID()}`;
    // The client's own span: its request carries the trace to the gateway (W3C traceparent).
    const client: Span = trace.getTracer('test-client').startSpan('client return flow');
    const traceId = client.spanContext().traceId;
    const inClientSpan = <T>(fn: () => Promise<T>) =>
      trace.getTracer('test-client').startActiveSpan('client request', {}, trace.setSpan(ROOT_CONTEXT, client), (span) => fn().finally(() => span.end()));
    const caller: Caller = {
      query: (principal, query, variables, headers) =>
        inClientSpan(() => t.query(principal, query, variables, { ...headers, 'x-correlation-id': correlationId })),
    };

    const order = await recordOrder(caller, t.database.db, {
      customerId: `cus_tr_${randomUUID().slice(0, 8)}`,
      lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 2, unitPrice: '20.00' }],
    });
    await traceUntil(traceId, (spans) => subgraphsIn(named(spans, /^consume /)).has('refunds'));
    // A subscriber to the order's refunds: each update is resolved through the gateway for it.
    connection = connect(t.url.replace(/^http/, 'ws'), await t.tokenFor(principals.finance()));
    const updates = connection.subscribe<{ refundUpdated: { status: string } }>(`subscription($orderId: ID) { refundUpdated(orderId: $orderId) { status } }`, {
      orderId: order.id,
    });
    const issued = await caller.query<{ issueRefund: { refund: { id: string } | null; userErrors: unknown[] } }>(principals.finance(), ISSUE, {
      input: { orderId: order.id, lines: [{ orderLineId: order.lines[0]?.id, quantity: 1 }], reason: 'Trace test' },
      key: newKey('issue'),
    });
    expect(issued.errors).toBeUndefined();
    const refundId = issued.data?.issueRefund.refund?.id;
    expect(issued.data?.issueRefund.userErrors).toEqual([]);
    expect(refundId).toBeDefined();
    const view = await caller.query<{ orderByNumber: { refunds: unknown[] } | null }>(principals.operations(), ORDER, { number: order.number });
    expect(view.errors).toBeUndefined();

    const spans = await traceUntil(traceId, (seen) => named(seen, /^payments\.[a-z_]+\.refund$/).length > 0 && named(seen, /^erp\.postCreditMemo$/).length > 0);
    client.end();
    await updates.waitFor(1);
    const memo = await caller.query<{ refund: { creditMemo: { status: string } | null } }>(principals.finance(), REFUND, { id: refundId });
    expect(memo.data?.refund.creditMemo?.status).toBe('POSTED');

    // All four subgraphs served the flow, each its own span (one process, so told apart by the attribute).
    expect(subgraphsIn(named(spans, / graphql$/))).toEqual(new Set(['orders', 'returns', 'inventory', 'refunds']));
    // The gateway's query plan: Apollo Gateway's spans, one fetch per subgraph call.
    expect(named(spans, /^gateway\.fetch$/).length).toBeGreaterThanOrEqual(4);
    // The write paths, the outbox relay and the consumers of the events they appended.
    expect(named(spans, /^writeTransaction recordOrder$/)).toHaveLength(1);
    expect(named(spans, /^writeTransaction issueRefund$/)).toHaveLength(1);
    expect(named(spans, /^outbox\.publish OrderRecorded$/)).toHaveLength(1);
    expect(named(spans, /^outbox\.publish RefundSucceeded$/).length).toBeGreaterThanOrEqual(1);
    expect([...subgraphsIn(named(spans, /^consume /))]).toEqual(expect.arrayContaining(['returns', 'refunds']));
    // The outside calls: the provider's refund and the ERP's credit memo.
    expect(named(spans, /^payments\.[a-z_]+\.refund$/)).toHaveLength(1);
    expect(named(spans, /^erp\.postCreditMemo$/)).toHaveLength(1);
    // The subscription's updates were resolved under the flow's correlation id, inside its trace.
    await traceUntil(traceId, (seen) => named(seen, /^subscription\.resolve$/).length > 0);
    const resolutions = named(spansOf(traceId), /^subscription\.resolve$/);
    expect(resolutions.every((span) => span.attributes[CORRELATION_ATTRIBUTE] === correlationId)).toBe(true);
    // Every span of the flow carries the correlation id; the test client's own spans and its HTTP
    // calls (undici client spans, children of them) are the caller's, not ours.
    const all = spansOf(traceId);
    const clientSpanIds = new Set(all.filter((span) => span.instrumentationScope.name === 'test-client').map((span) => span.spanContext().spanId));
    const ours = all.filter((span) => !clientSpanIds.has(span.spanContext().spanId) && !clientSpanIds.has(span.parentSpanContext?.spanId ?? ''));
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.filter((span) => span.attributes[CORRELATION_ATTRIBUTE] !== correlationId).map((span) => span.name)).toEqual([]);
  }, 60_000);
});
