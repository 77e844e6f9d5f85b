/**
 * Traces, started before anything else of the process loads: app/service.ts and app/embedded.ts
 * import this module FIRST, because the HTTP and pg instrumentations patch `http` and `pg` as they
 * are required, and a module loaded before the SDK started would go untraced. It reads the settings
 * once (loadConfig) and starts the OpenTelemetry SDK only when `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
 * is set; otherwise nothing starts and the platform's spans are the API's no-ops.
 */
import { loadConfig, SERVICES, type Config } from './config';
import { startTracing, type Tracing } from '../platform/telemetry/sdk';

/** The traced service's name: `OTEL_SERVICE_NAME`, else `returns-graph-<service>`. */
export function tracedServiceName(config: Pick<Config, 'OTEL_SERVICE_NAME'>, service: string): string {
  return config.OTEL_SERVICE_NAME ?? `returns-graph-${service}`;
}

/**
 * Which service this process runs, as the entry point will decide it: `app/service.ts <service>`
 * (or `RG_SERVICE`) runs one; anything else (`npm start`) runs the whole graph, `embedded`.
 */
function processService(config: Config): string {
  const entry = process.argv[1] ?? '';
  if (!/[\\/]service\.[cm]?[jt]s$/.test(entry)) return 'embedded';
  const named = process.argv[2] ?? config.RG_SERVICE;
  return SERVICES.find((service) => service === named) ?? 'embedded';
}

function startProcessTracing(): Tracing {
  let config: Config;
  try {
    config = loadConfig();
  } catch {
    // Bad settings: the entry point reads them again and says why; tracing stays off meanwhile.
    return { enabled: false, shutdown: async () => undefined };
  }
  return startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    serviceName: tracedServiceName(config, processService(config)),
    samplePercent: config.OTEL_TRACES_SAMPLE_PERCENT,
  });
}

/** This process's tracing; entry points `shutdown()` it last, so buffered spans are exported. */
export const processTracing: Tracing = startProcessTracing();
