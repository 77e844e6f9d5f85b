/**
 * The process's one Prometheus registry and the helpers that define metrics on it. Every server of
 * the process (gateway, subgraphs, schema registry) serves this same registry at `/metrics`; in the
 * embedded default, where all services share one process, labels (`subgraph`, `consumer`, …) tell
 * them apart. Metrics are defined once, at module load, by name: defining a name twice returns the
 * first definition, so two modules asking for one series never clash.
 */
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** Prefix of every metric this product defines (Node's process_* and nodejs_* defaults keep their usual names). */
export const METRIC_PREFIX = 'returns_graph_';

/** The registry of this process. */
export const metricsRegistry = new Registry();

// Process metrics (CPU, memory, event-loop lag, GC, handles): what every Node dashboard expects, unprefixed.
collectDefaultMetrics({ register: metricsRegistry });

/**
 * Latency buckets of calls and requests, in seconds: 5 ms to 30 s. The gateway's operations and
 * provider calls sit in the lower half; the upper end still separates "slow" from "timed out".
 */
export const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/**
 * Buckets of lags (event to subscriber, waits for the ERP's limiter), in seconds: 10 ms to 10 min,
 * since a throttled ERP at peak or a paused posting queue legitimately waits minutes.
 */
export const LAG_BUCKETS_S = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

type Named<T> = Omit<T, 'registers' | 'name'> & { name: string };

/** A counter `returns_graph_<name>`; the name must end in `_total` (Prometheus convention). */
export function defineCounter<L extends string>(config: Named<CounterConfiguration<L>>): Counter<L> {
  if (!config.name.endsWith('_total')) throw new TypeError(`Counter names end in _total, but got: ${config.name}`);
  return existing<Counter<L>>(config.name) ?? new Counter<L>({ ...config, name: METRIC_PREFIX + config.name, registers: [metricsRegistry] });
}

/** A histogram `returns_graph_<name>`; durations are in seconds, so the name ends in `_seconds`. */
export function defineHistogram<L extends string>(config: Named<HistogramConfiguration<L>>): Histogram<L> {
  if (!config.name.endsWith('_seconds')) throw new TypeError(`Histograms here measure seconds and end in _seconds, but got: ${config.name}`);
  return existing<Histogram<L>>(config.name) ?? new Histogram<L>({ ...config, name: METRIC_PREFIX + config.name, registers: [metricsRegistry] });
}

/** A gauge `returns_graph_<name>`, usually computed at scrape time by `collect`. */
export function defineGauge<L extends string>(config: Named<GaugeConfiguration<L>>): Gauge<L> {
  return existing<Gauge<L>>(config.name) ?? new Gauge<L>({ ...config, name: METRIC_PREFIX + config.name, registers: [metricsRegistry] });
}

function existing<M>(name: string): M | undefined {
  return metricsRegistry.getSingleMetric(METRIC_PREFIX + name) as M | undefined;
}

/** Starts a timer; the returned function gives the seconds elapsed. */
export function stopwatch(): () => number {
  const started = process.hrtime.bigint();
  return () => Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * Things measured at scrape time (a pool's clients, an outbox's lag, a hub's subscribers), added by
 * whoever owns them and removed when they close, so a closed pool is not scraped for ever.
 */
export class ScrapeSources<S> {
  private readonly sources = new Set<S>();

  /** Adds a source; returns its removal. */
  add(source: S): () => void {
    this.sources.add(source);
    return () => {
      this.sources.delete(source);
    };
  }

  all(): readonly S[] {
    return [...this.sources];
  }
}
