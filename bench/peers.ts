import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientTokenVerifier, INTERNAL_PRINCIPAL_HEADER, InternalTokens, generateSigningKeys, signClientToken } from '../platform/auth';
import { RegistryClient } from '../schema-registry';
import { startGraph, type RunningGraph } from '../app/graph';
import { killAllBenchChildren, type BenchChild } from './child-processes';
import { startGatewayProcess } from './gateway-process';
import { ensureHiveGateway, hiveInstallDir, startHiveGateway, writeHiveFiles } from './hive-gateway';
import { FEDERATED_READ_QUERY, ORDER_LINES_QUERY, READ_PRINCIPAL, hotBody, variedBody } from './federated-read';
import { checkSameAnswers, type Endpoint } from './peers-check';
import { PEER_TARGETS, formatPeersReport, type MemoryFigures, type PeerRow } from './peers-report';
import { RssSampler } from './rss-sampler';
import { startReaper, type Reaper } from './reaper';
import { createBenchDatabase, load, type BenchDatabase, type LoadResult } from './support';
import type { BenchSettings } from './settings';

/** Seconds of load before each measured run: JIT, connection pools and query-plan caches warm. */
const WARM_UP_S = 2;
/** Connections of every run, as the other load benches: enough to keep two cores busy through a gateway's hops. */
const CONNECTIONS = 32;
/** Time for a run's last in-flight requests to be answered before memory is read "after load" or servers close. */
const IN_FLIGHT_DRAIN_MS = 1_000;

/** A workload measured through both gateways. */
interface Workload {
  label: string;
  body: (i: number) => string;
  target?: number;
}

const WORKLOADS: readonly Workload[] = [
  { label: 'federated read, 1,000 orders', body: variedBody(FEDERATED_READ_QUERY), target: PEER_TARGETS.varied },
  { label: 'federated read, one hot order', body: hotBody(FEDERATED_READ_QUERY), target: PEER_TARGETS.hot },
  { label: 'order + lines (orders only)', body: variedBody(ORDER_LINES_QUERY) },
];

/** What one run started, torn down in reverse by `close` (also on error and Ctrl-C). */
interface PeersRig {
  database?: BenchDatabase;
  graph?: RunningGraph;
  folder?: string;
  children: BenchChild[];
}

/** A free TCP port on loopback (the child binds it a moment later; nothing else on a bench machine races for it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** One request's status and the start of its answer: what a failing run's failures look like. */
async function probe(endpoint: Endpoint, body: string): Promise<string> {
  try {
    const response = await fetch(endpoint.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await endpoint.headers()) }, body });
    return `HTTP ${response.status} ${(await response.text()).slice(0, 300)}`;
  } catch (error) {
    return `no answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function close(rig: PeersRig): Promise<void> {
  await Promise.all(rig.children.map((child) => child.kill()));
  rig.children = [];
  if (rig.graph) {
    await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_DRAIN_MS));
    await rig.graph.close();
    rig.graph = undefined;
  }
  await rig.database?.drop();
  rig.database = undefined;
  if (rig.folder) await rm(rig.folder, { recursive: true, force: true });
  rig.folder = undefined;
}

/**
 * `npm run bench -- peers`: our gateway against Hive Gateway (pinned, installed into the user's
 * cache on first use), each alone in its own process in front of the same four subgraphs and the
 * same supergraph SDL (from our registry). Both must answer the same data before anything is timed;
 * then each workload runs through ours and through Hive in turn while both processes' resident
 * sets are sampled from /proc.
 */
export async function benchPeers(settings: BenchSettings): Promise<void> {
  const write = (line: string) => process.stdout.write(`${line}\n`);
  // Before any server starts: without the peer there is nothing to compare.
  const hiveBin = await ensureHiveGateway(hiveInstallDir(settings.cacheHome), write);
  const rig: PeersRig = { children: [] };
  const reaper = startReaper(settings.adminUrl);
  let closing: Promise<void> | undefined;
  const shutdown = () => (closing ??= close(rig));
  // `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and relayed by tsx), and
  // a second signal without a listener would end it before the database is dropped.
  const onInterrupt = () => {
    killAllBenchChildren();
    void shutdown()
      .then(() => reaper.release())
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', onInterrupt);
  process.on('SIGTERM', onInterrupt);
  try {
    await run(settings, hiveBin, rig, reaper, write);
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
    await shutdown();
    // Only once everything is closed: should closing fail, the reaper cleans up when this process ends.
    reaper.release();
  }
}

async function run(settings: BenchSettings, hiveBin: string, rig: PeersRig, reaper: Reaper, write: (line: string) => void): Promise<void> {
  rig.database = await createBenchDatabase('peers', settings.adminUrl, { seed: true });
  const current = await rig.database.db.query<{ name: string }>('SELECT current_database() AS name');
  reaper.database((current.rows[0] as { name: string }).name);
  const keys = await generateSigningKeys();
  const internalSecret = randomBytes(32).toString('base64url');
  const internalTokens = new InternalTokens(internalSecret);
  const registryToken = randomBytes(24).toString('base64url');
  // The registry and the four subgraphs (and an in-process gateway nobody calls) in this process.
  rig.graph = await startGraph({
    db: rig.database.db,
    ports: { gateway: 0, registry: 0, subgraphs: { orders: 0, returns: 0, inventory: 0, refunds: 0 } },
    verifier: await ClientTokenVerifier.fromPublicJwk(keys.publicJwk),
    internalTokens,
    registryToken,
  });
  const supergraph = await new RegistryClient({ baseUrl: rig.graph.registry.url, publishToken: registryToken, publishedBy: 'bench-peers' }).supergraph();
  if (!supergraph) throw new Error('The registry has no supergraph after every subgraph published');
  rig.folder = await mkdtemp(join(tmpdir(), 'rg-bench-peers-'));
  reaper.folder(rig.folder);

  const [oursPort, hivePort] = [await freePort(), await freePort()];
  const ours = await startGatewayProcess({
    registryUrl: rig.graph.registry.url,
    registryToken,
    publicJwk: keys.publicJwk,
    internalSecret,
    redisUrl: settings.redisUrl,
    redisPrefix: `rg-bench-peers-${process.pid}`,
    port: oursPort,
    compiled: settings.compiled,
    onSpawn: (pid) => reaper.group(pid),
  });
  rig.children.push(ours);
  const configPath = await writeHiveFiles(rig.folder, supergraph.supergraphSdl, { port: hivePort, propagatedHeaders: [INTERNAL_PRINCIPAL_HEADER] });
  const hive = await startHiveGateway({ bin: hiveBin, configPath, folder: rig.folder, port: hivePort, onSpawn: (pid) => reaper.group(pid) });
  rig.children.push(hive);
  write(`our gateway: pid ${ours.pid} (${settings.compiled ? 'dist/, compiled' : 'sources under tsx'}); Hive Gateway: pid ${hive.pid}`);

  const clientToken = await signClientToken(READ_PRINCIPAL, keys.privateJwk);
  const orders = rig.graph.subgraphs.find((subgraph) => subgraph.name === 'orders');
  if (!orders) throw new Error('orders subgraph not running');
  const oursEndpoint: Endpoint = {
    label: 'our gateway',
    url: `http://127.0.0.1:${oursPort}/graphql`,
    headers: async () => ({ authorization: `Bearer ${clientToken}` }),
  };
  // Signed just before each use: the internal principal lives 60 s (settings cap a run below that).
  const principalHeader = async () => ({ [INTERNAL_PRINCIPAL_HEADER]: await internalTokens.sign(READ_PRINCIPAL) });
  const hiveEndpoint: Endpoint = { label: 'Hive Gateway', url: `http://127.0.0.1:${hivePort}/graphql`, headers: principalHeader };
  const directEndpoint: Endpoint = { label: 'orders subgraph', url: `${orders.url}/graphql`, headers: principalHeader };

  // Correctness before timing: a gateway answering errors fast is not faster.
  for (const workload of WORKLOADS) {
    await checkSameAnswers(workload.label, [workload.body(0), workload.body(1)], [oursEndpoint, hiveEndpoint]);
  }
  await checkSameAnswers('order + lines direct', [variedBody(ORDER_LINES_QUERY)(0)], [oursEndpoint, directEndpoint]);
  write('correctness: both gateways answer every workload with the same data');

  const samplers = { ours: new RssSampler(ours.pid), hive: new RssSampler(hive.pid) };
  const idle = { ours: await samplers.ours.sample(), hive: await samplers.hive.sample() };
  samplers.ours.start();
  samplers.hive.start();
  const measure = async (endpoint: Endpoint, label: string, body: (i: number) => string): Promise<LoadResult> => {
    await load({ label: `warm-up ${label}`, url: endpoint.url, headers: await endpoint.headers(), body, connections: CONNECTIONS, durationSeconds: WARM_UP_S });
    const result = await load({
      label,
      url: endpoint.url,
      headers: await endpoint.headers(),
      body,
      connections: CONNECTIONS,
      durationSeconds: settings.durationSeconds,
    });
    const failed = result.errors + result.non2xx;
    if (failed > 0)
      write(`  ${endpoint.label}: ${result.errors} errors or timeouts, ${result.non2xx} non-2xx; one request now: ${await probe(endpoint, body(0))}`);
    write(
      `  ${endpoint.label.padEnd(16)} ${label}: ${result.requestsPerSecond} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms${failed > 0 ? `, ${failed} failed` : ''}`,
    );
    return result;
  };
  const rows: PeerRow[] = [];
  for (const workload of WORKLOADS) {
    rows.push({
      workload: workload.label,
      ours: await measure(oursEndpoint, workload.label, workload.body),
      hive: await measure(hiveEndpoint, workload.label, workload.body),
      target: workload.target,
    });
  }
  const direct = await measure(directEndpoint, 'order + lines (orders only)', variedBody(ORDER_LINES_QUERY));
  samplers.ours.stop();
  samplers.hive.stop();
  await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_DRAIN_MS));
  const memory = (sampler: RssSampler, idleBytes: number, afterBytes: number): MemoryFigures => ({ idleBytes, peakBytes: sampler.peak, afterBytes });
  const after = { ours: await samplers.ours.sample(), hive: await samplers.hive.sample() };
  const singleSubgraph = rows[2] as PeerRow;
  write('');
  process.stdout.write(
    formatPeersReport({
      rows,
      memory: { ours: memory(samplers.ours, idle.ours, after.ours), hive: memory(samplers.hive, idle.hive, after.hive) },
      direct: { direct, ours: singleSubgraph.ours, hive: singleSubgraph.hive },
      durationSeconds: settings.durationSeconds,
      connections: CONNECTIONS,
    }),
  );
}
