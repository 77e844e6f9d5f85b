import { INTERNAL_PRINCIPAL_HEADER, signClientToken, type Principal } from '../platform/auth';
import { METRIC_PREFIX, metricsRegistry } from '../platform/metrics';
import { load, report, startBenchGraph } from './support';
import type { BenchSettings } from './settings';
import { profiled } from './write-cost';

/** The POS lookup: an order by number with its lines and payments — what a clerk's screen asks. */
const QUERY = `query($n: String!) { orderByNumber(number: $n) { id number channel placedAt totals { total { amount currencyCode } }
  lines { id sku quantity unitPrice { amount } finalSale } payments { method capturedAmount { amount } } } }`;

const DEMO_ORDER_COUNT = 1_000;
const body = (i: number) => JSON.stringify({ query: QUERY, variables: { n: `R${100001 + (i % DEMO_ORDER_COUNT)}` } });
/** A hot key: every client asks for the same order at once (a viral order, a busy till's retry loop). */
const hotBody = () => JSON.stringify({ query: QUERY, variables: { n: 'R100001' } });

/** Subgraph fetches the gateway merged into an identical one in flight (GATEWAY_MERGE_FETCHES), so far. */
async function mergedFetches(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric(`${METRIC_PREFIX}gateway_subgraph_fetches_merged_total`)?.get();
  return metric?.values.reduce((sum, value) => sum + value.value, 0) ?? 0;
}

/**
 * Order lookup through the gateway against the same lookup sent straight to the orders
 * subgraph, in one run on one database: the ratio is the gateway's cost (auth, planning, one hop).
 */
export async function benchOrderLookup(settings: BenchSettings): Promise<void> {
  const bench = await startBenchGraph(settings.adminUrl);
  try {
    const principal: Principal = { subject: 'bench:associate', roles: ['store_associate'], storeIds: ['loc_store_nyc'] };
    const token = await signClientToken(principal, bench.keys.privateJwk);
    const orders = bench.graph.subgraphs.find((subgraph) => subgraph.name === 'orders');
    if (!orders) throw new Error('orders subgraph not running');
    // Warm both paths (JIT, connection pools, query plan cache) before measuring.
    await load({ label: 'warm-up', url: `${bench.graph.gateway.url}/graphql`, headers: { authorization: `Bearer ${token}` }, body, durationSeconds: 2 });
    // --cpu-profile: this run only (gateway, subgraphs and load generator share the process).
    const viaGateway = await profiled(settings.cpuProfile, () =>
      load({
        label: 'order lookup via gateway',
        url: `${bench.graph.gateway.url}/graphql`,
        headers: { authorization: `Bearer ${token}` },
        body,
      }),
    );
    // The internal token lives 60 s; a fresh one per run is enough for a 10 s run.
    const direct = await load({
      label: 'order lookup direct to orders subgraph',
      url: `${orders.url}/graphql`,
      headers: { [INTERNAL_PRINCIPAL_HEADER]: await bench.internalTokens.sign(principal) },
      body,
    });
    const mergedBefore = await mergedFetches();
    const hot = await load({
      label: 'hot key (one order, all clients) via gateway',
      url: `${bench.graph.gateway.url}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      body: hotBody,
    });
    const merged = (await mergedFetches()) - mergedBefore;
    report('Order lookup (PostgreSQL, demo data, 32 connections, 10 s each)', [viaGateway, direct, hot]);
    const ratio = viaGateway.requestsPerSecond / Math.max(1, direct.requestsPerSecond);
    process.stdout.write(`gateway / direct throughput ratio: ${ratio.toFixed(2)}\n`);
    process.stdout.write(`hot key: ${merged} subgraph fetches merged into one in flight (GATEWAY_MERGE_FETCHES)\n`);
  } finally {
    await bench.close();
  }
}
