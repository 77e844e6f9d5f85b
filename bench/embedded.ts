import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signClientToken } from '../platform/auth';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';
import { load } from './support';
import type { BenchSettings } from './settings';

/** Issue 15's targets for `npm start`. */
const TARGET_READY_S = 3;
const TARGET_RSS_MB = 400;
/** A start that takes longer than this is a failure, not a figure. */
const START_TIMEOUT_MS = 180_000;
/** How often the bench asks /readyz and reads the server's memory. */
const POLL_MS = 50;
const SAMPLE_MS = 1_000;
/** Connections of the read load: a few clients, as a developer and a console would be. */
const READ_CONNECTIONS = 8;

const repo = join(__dirname, '..');
const tsxCli = join(repo, 'node_modules/tsx/dist/cli.mjs');

const QUERY = `query($n: String!) { orderByNumber(number: $n) { number channel totals { total { amount currencyCode } }
  lines { sku quantity inventoryItem { availability { location { name } availableToSell } } } returns { id status } } }`;
const body = (i: number) => JSON.stringify({ query: QUERY, variables: { n: `R${100001 + (i % 1000)}` } });

/** One `npm start` (what the script runs: the tsx CLI on app/embedded.ts) on free ports. */
interface Started {
  child: ChildProcess;
  gatewayUrl: string;
  readyMs: number;
  /** Resident memory of the process tree (tsx's launcher and the node process it runs), MB. */
  rssMb(): number;
  peakRssMb: number;
  stop(): Promise<void>;
}

/**
 * `npm run bench -- embedded [--starts n] [--read-seconds s]`: times `npm start`'s embedded default
 * from spawn to a ready gateway, cold (empty tsx transpile cache and empty embedded cache) and warm
 * (both filled by the previous start), median of `--starts` each; then its resident memory after
 * start and through `--duration` seconds of reads. Run it alone on the machine: it measures time.
 */
export async function benchEmbedded(settings: BenchSettings): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'rg-bench-embedded-'));
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    const warmCache = join(scratch, 'warm');
    for (let i = 0; i < settings.starts; i++) {
      const dir = join(scratch, `cold-${i}`);
      const started = await startEmbeddedProcess({ cacheDir: join(dir, 'embedded-cache'), tmpDir: dir });
      cold.push(started.readyMs);
      process.stdout.write(`cold start ${i + 1}: ready in ${(started.readyMs / 1000).toFixed(2)} s, ${started.rssMb()} MB resident\n`);
      await started.stop();
    }
    // Fills the warm caches, then measures starts on them.
    await (await startEmbeddedProcess({ cacheDir: join(warmCache, 'embedded-cache'), tmpDir: warmCache })).stop();
    let last: Started | undefined;
    for (let i = 0; i < settings.starts; i++) {
      await last?.stop();
      last = await startEmbeddedProcess({ cacheDir: join(warmCache, 'embedded-cache'), tmpDir: warmCache });
      warm.push(last.readyMs);
      process.stdout.write(`warm start ${i + 1}: ready in ${(last.readyMs / 1000).toFixed(2)} s, ${last.rssMb()} MB resident\n`);
    }
    const running = last!;
    try {
      // Pipeline catch-up (demo orders announced at start) settles before the memory figure is taken.
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      const afterStart = running.rssMb();
      const samples: number[] = [];
      const sampler = setInterval(() => samples.push(running.rssMb()), SAMPLE_MS);
      const keys = await loadOrCreateDevKeys(join(repo, '.data'));
      const token = await signClientToken({ subject: 'bench:ops', roles: ['operations_admin'], storeIds: [] }, keys.privateJwk);
      const reads = await load({
        label: 'reads',
        url: `${running.gatewayUrl}/graphql`,
        headers: { authorization: `Bearer ${token}` },
        body,
        connections: READ_CONNECTIONS,
        durationSeconds: settings.embeddedReadSeconds,
      });
      clearInterval(sampler);
      const afterReads = running.rssMb();
      const third = Math.max(1, Math.floor(samples.length / 3));
      const firstThird = median(samples.slice(0, third));
      const lastThird = median(samples.slice(-third));
      const rows: [string, string, string][] = [
        ['ready, cold (median)', `${(median(cold) / 1000).toFixed(2)} s`, `<= ${TARGET_READY_S} s`],
        ['ready, warm (median)', `${(median(warm) / 1000).toFixed(2)} s`, `<= ${TARGET_READY_S} s`],
        ['peak RSS during a warm start', `${running.peakRssMb} MB`, ''],
        ['RSS after start', `${afterStart} MB`, `<= ${TARGET_RSS_MB} MB`],
        [`RSS after ${settings.embeddedReadSeconds} s of reads`, `${afterReads} MB`, 'flat'],
        ['RSS median, first / last third of the reads', `${firstThird} / ${lastThird} MB`, 'flat'],
        [
          'reads',
          `${reads.requestsPerSecond} req/s, p50 ${reads.p50Ms} ms, p99 ${reads.p99Ms} ms, ${reads.errors + reads.non2xx} errors`,
          `${READ_CONNECTIONS} connections`,
        ],
      ];
      process.stdout.write(`\nEmbedded default (npm start: tsx app/embedded.ts; RSS of the process tree)\n`);
      for (const [label, value, target] of rows) process.stdout.write(`${label.padEnd(46)} ${value.padEnd(56)} ${target}\n`);
    } finally {
      await running.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Starts the embedded default as `npm start` does, on free ports, and waits for its /readyz. */
async function startEmbeddedProcess(options: { cacheDir: string; tmpDir: string }): Promise<Started> {
  const [gateway, registry, orders, returns, inventory, refunds] = await freePorts(6);
  const began = Date.now();
  const child = spawn(process.execPath, [tsxCli, 'app/embedded.ts'], {
    cwd: repo,
    // TMPDIR moves tsx's transpile cache: an empty folder is a cold start, a used one a warm start.
    env: {
      ...process.env,
      TMPDIR: options.tmpDir,
      EMBEDDED_CACHE_DIR: options.cacheDir,
      LOG_LEVEL: 'warn',
      PORT: String(gateway),
      REGISTRY_PORT: String(registry),
      ORDERS_PORT: String(orders),
      RETURNS_PORT: String(returns),
      INVENTORY_PORT: String(inventory),
      REFUNDS_PORT: String(refunds),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gatewayUrl = `http://127.0.0.1:${gateway}`;
  const rssMb = () => Math.round(treeRssKb(child.pid!) / 1024);
  let peakRssMb = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the embedded default exited with ${child.exitCode} before it was ready`);
    if (Date.now() - began > START_TIMEOUT_MS) {
      child.kill('SIGKILL');
      throw new Error(`the embedded default was not ready after ${START_TIMEOUT_MS} ms`);
    }
    peakRssMb = Math.max(peakRssMb, rssMb());
    const ready = await fetch(`${gatewayUrl}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return {
    child,
    gatewayUrl,
    readyMs: Date.now() - began,
    rssMb,
    peakRssMb,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** VmRSS of a process and its descendants, in kB (Linux /proc). */
function treeRssKb(pid: number): number {
  let total = 0;
  try {
    total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) total += treeRssKb(Number(child));
  } catch {
    // The process ended between two reads.
  }
  return total;
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer();
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
