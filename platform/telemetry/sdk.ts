import type { startSdk } from './sdk-start';

/** Options of `startTracing`, from the validated settings (app/telemetry.ts). */
export interface TracingOptions {
  /** OTLP/HTTP traces endpoint (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); absent means tracing is off. */
  endpoint?: string;
  /** `service.name` of every span (`OTEL_SERVICE_NAME`, default `returns-graph-<service>`). */
  serviceName: string;
  /** Share of new traces sampled, 0 to 100 (`OTEL_TRACES_SAMPLE_PERCENT`); a sampled caller's trace stays sampled. */
  samplePercent: number;
}

/** Tracing as started: whether an SDK runs, and how to flush and stop it. */
export interface Tracing {
  enabled: boolean;
  /** Exports what is buffered and stops; call on shutdown. */
  shutdown(): Promise<void>;
}

/**
 * Starts the OpenTelemetry SDK when an endpoint is configured, and nothing at all otherwise: no
 * SDK, no instrumentation, the API's no-op tracer. Must run before `http`, `pg` and `undici` are
 * first required (app/telemetry.ts is the first import of every entry point), because the HTTP and
 * pg instrumentations patch those modules as they load.
 *
 * The SDK's modules are required only when tracing is on: loading them takes over a second of a
 * start (measured 1.3 s of the embedded default's), a cost no process without an endpoint should pay.
 * A synchronous `require`, because the SDK must be running before the entry point's next import.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.endpoint) return { enabled: false, shutdown: async () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  const sdk = require('./sdk-start') as { startSdk: typeof startSdk };
  return sdk.startSdk({ ...options, endpoint: options.endpoint });
}
