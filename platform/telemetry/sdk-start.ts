/** The OpenTelemetry SDK itself: required by sdk.ts only when tracing is on (its modules take a second to load). */
import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { CorrelationSpanProcessor } from './correlation-processor';
import type { Tracing, TracingOptions } from './sdk';

/**
 * Paths no trace is worth keeping for, served or called: probes, scrapes and the gateway's poll of
 * the registry's supergraph, each every few seconds, and none part of a business flow.
 */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics', '/supergraph']);

/** The path of a request target, without its query. */
const pathOf = (target: string | undefined): string => (target ?? '').split('?')[0] ?? '';

/**
 * Starts the OpenTelemetry SDK when an endpoint is configured, and nothing at all otherwise: no
 * SDK, no instrumentation, the API's no-op tracer. Must run before `http`, `pg` and `undici` are
 * first required (app/telemetry.ts is the first import of every entry point), because the HTTP and
 * pg instrumentations patch those modules as they load.
 */
/** The SDK with its exporter and instrumentations, started (`startTracing` decides whether). */
export function startSdk(options: TracingOptions & { endpoint: string }): Tracing {
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.samplePercent / 100) }),
    // The correlation processor first: it sets the attribute before the batch processor sees the span.
    spanProcessors: [new CorrelationSpanProcessor(), new BatchSpanProcessor(new OTLPTraceExporter({ url: options.endpoint }))],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has(pathOf(req.url)),
        ignoreOutgoingRequestHook: (req) => UNTRACED_PATHS.has(pathOf(req.path ?? undefined)),
      }),
      // The gateway's subgraph fetches (gateway/fetcher.ts) and connectors' HTTP calls go through undici.
      new UndiciInstrumentation({ ignoreRequestHook: (request) => UNTRACED_PATHS.has(pathOf(request.path)) }),
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return { enabled: true, shutdown: () => sdk.shutdown() };
}
