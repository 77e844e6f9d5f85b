import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProxyTracerProvider, trace } from '@opentelemetry/api';
import { runInScope } from '../context';
import { logContext } from '../logger';
import { startTracing } from './sdk';
import { activeTraceparent, inSpan } from './spans';

/**
 * Tracing is off unless an OTLP endpoint is configured: no SDK, the API's no-op tracer, nothing
 * stored with outbox rows. Configured, the SDK exports spans (OTLP/HTTP JSON) with the service name
 * and the correlation id of the work in scope. One file, in this order: the SDK registers globally.
 */
let collector: Server;
const bodies: string[] = [];

beforeAll(async () => {
  collector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      bodies.push(`${req.url ?? ''} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => collector.close(resolve));
});

/** The fields the logger's mixin adds to a line written now. */
const logFields = (): Record<string, unknown> => logContext();

describe('tracing off (no endpoint)', () => {
  it('starts no SDK; spans are no-ops and leave no trace context to store', async () => {
    const tracing = startTracing({ serviceName: 'returns-graph-test', samplePercent: 100 });
    expect(tracing.enabled).toBe(false);
    const provider = trace.getTracerProvider() as ProxyTracerProvider;
    expect(provider).toBeInstanceOf(ProxyTracerProvider);
    // No delegate was registered: the API answers with its no-op provider.
    expect(provider.getDelegateTracer('returns-graph')).toBeUndefined();
    const seen = await runInScope({ correlationId: 'off-1' }, () =>
      inSpan('work', {}, async (span) => ({ recording: span.isRecording(), traceparent: activeTraceparent(), log: logFields() })),
    );
    expect(seen).toEqual({ recording: false, traceparent: null, log: { correlationId: 'off-1' } });
    await tracing.shutdown();
  });
});

describe('tracing on (OTLP endpoint set)', () => {
  it('exports spans with the service name and the correlation id, and puts trace ids on log lines', async () => {
    const { port } = collector.address() as AddressInfo;
    const tracing = startTracing({ endpoint: `http://127.0.0.1:${port}/v1/traces`, serviceName: 'returns-graph-test', samplePercent: 100 });
    expect(tracing.enabled).toBe(true);
    const seen = await runInScope({ correlationId: 'on-1' }, () =>
      inSpan('traced work', {}, async (span) => ({
        recording: span.isRecording(),
        traceparent: activeTraceparent(),
        log: logFields(),
        ids: span.spanContext(),
      })),
    );
    expect(seen.recording).toBe(true);
    expect(seen.traceparent).toBe(`00-${seen.ids.traceId}-${seen.ids.spanId}-01`);
    expect(seen.log).toEqual({ correlationId: 'on-1', trace_id: seen.ids.traceId, span_id: seen.ids.spanId });
    await tracing.shutdown();
    const exported = bodies.join('\n');
    expect(exported).toContain('/v1/traces');
    expect(exported).toContain('returns-graph-test');
    expect(exported).toContain('traced work');
    expect(exported).toContain('"correlation.id"');
    expect(exported).toContain('on-1');
  });
});
