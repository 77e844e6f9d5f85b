import type { LoadResult } from './support';

/**
 * Issue 15's targets against the peer: throughput at least 1.5x Hive's on the federated reads,
 * at most 0.6x its memory, and a gateway keeping at least 0.6 of the subgraph's own throughput on
 * a single-subgraph read.
 */
export const PEER_TARGETS = {
  /** ours/Hive req/s, federated read over 1,000 orders. */
  varied: 1.5,
  /** ours/Hive req/s, federated read of one hot order. */
  hot: 1.5,
  /** ours/Hive peak resident set under load (at most). */
  memory: 0.6,
  /** gateway/direct req/s on the single-subgraph read (each gateway). */
  gatewayDirect: 0.6,
} as const;

/** One workload through both gateways. */
export interface PeerRow {
  workload: string;
  ours: LoadResult;
  hive: LoadResult;
  /** The target for ours/Hive req/s, if the issue sets one for this workload. */
  target?: number;
}

/** A gateway process's resident set: at rest before load, the peak under load, and just after. */
export interface MemoryFigures {
  idleBytes: number;
  peakBytes: number;
  afterBytes: number;
}

/** Everything one run prints. */
export interface PeersResults {
  rows: PeerRow[];
  memory: { ours: MemoryFigures; hive: MemoryFigures };
  /** The single-subgraph read sent straight to the orders subgraph, and through each gateway. */
  direct: { direct: LoadResult; ours: LoadResult; hive: LoadResult };
  durationSeconds: number;
  connections: number;
}

/** `a / b`, with a zero denominator as no ratio (a run that served nothing has none). */
export function ratio(a: number, b: number): number | undefined {
  return b > 0 ? a / b : undefined;
}

/** `1.53x`, or `n/a`. */
export function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${value.toFixed(2)}x`;
}

/** Whether a ratio meets its target: at least it, or at most it for memory. */
export function verdict(value: number | undefined, target: number, direction: 'at-least' | 'at-most'): string {
  if (value === undefined) return 'no figure';
  const met = direction === 'at-least' ? value >= target : value <= target;
  return met ? 'met' : 'NOT met';
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/** `req/s p50 p99` of one run, with its failures when there were any (a fast error is not a fast answer). */
function figures(result: LoadResult): string {
  const failures = result.errors + result.non2xx;
  const base = `${String(result.requestsPerSecond).padStart(7)} ${String(result.p50Ms).padStart(6)} ${String(result.p99Ms).padStart(6)}`;
  return failures > 0 ? `${base} (${failures} failed)` : base;
}

/** The whole comparison as text: throughput table, memory table, gateway/direct ratios, and what differs between the two. */
export function formatPeersReport(results: PeersResults): string {
  const lines: string[] = [];
  const head = `${'workload'.padEnd(34)} | ${'ours req/s  p50 ms p99 ms'.padEnd(26)} | ${'Hive req/s  p50 ms p99 ms'.padEnd(26)} | ours/Hive | target`;
  lines.push(
    `Our gateway vs Hive Gateway (${results.connections} connections, ${results.durationSeconds} s per run after a warm-up)`,
    '',
    head,
    '-'.repeat(head.length),
  );
  for (const row of results.rows) {
    const value = ratio(row.ours.requestsPerSecond, row.hive.requestsPerSecond);
    const target = row.target === undefined ? '—' : `>= ${row.target}x ${verdict(value, row.target, 'at-least')}`;
    lines.push(
      `${row.workload.padEnd(34)} | ${figures(row.ours).padEnd(26)} | ${figures(row.hive).padEnd(26)} | ${formatRatio(value).padStart(9)} | ${target}`,
    );
  }
  const { ours, hive } = results.memory;
  const memoryRatio = ratio(ours.peakBytes, hive.peakBytes);
  lines.push(
    '',
    `${'gateway process RSS (MiB)'.padEnd(34)} | ${'idle'.padStart(7)} | ${'peak under load'.padStart(15)} | ${'after load'.padStart(10)}`,
    `${'ours'.padEnd(34)} | ${mib(ours.idleBytes).padStart(7)} | ${mib(ours.peakBytes).padStart(15)} | ${mib(ours.afterBytes).padStart(10)}`,
    `${'Hive'.padEnd(34)} | ${mib(hive.idleBytes).padStart(7)} | ${mib(hive.peakBytes).padStart(15)} | ${mib(hive.afterBytes).padStart(10)}`,
    `peak RSS ours/Hive: ${formatRatio(memoryRatio)} (target <= ${PEER_TARGETS.memory}x: ${verdict(memoryRatio, PEER_TARGETS.memory, 'at-most')})`,
  );
  const { direct } = results;
  const oursDirect = ratio(direct.ours.requestsPerSecond, direct.direct.requestsPerSecond);
  const hiveDirect = ratio(direct.hive.requestsPerSecond, direct.direct.requestsPerSecond);
  lines.push(
    '',
    `single-subgraph read direct to the orders subgraph: ${figures(direct.direct).trim()} (req/s p50 p99)`,
    `gateway/direct req/s: ours ${formatRatio(oursDirect)} (target >= ${PEER_TARGETS.gatewayDirect}: ${verdict(oursDirect, PEER_TARGETS.gatewayDirect, 'at-least')}), ` +
      `Hive ${formatRatio(hiveDirect)} (target >= ${PEER_TARGETS.gatewayDirect}: ${verdict(hiveDirect, PEER_TARGETS.gatewayDirect, 'at-least')})`,
    '',
    'Not the same work per request: ours verifies the client bearer token (cached) and signs the internal principal',
    'for the subgraphs (cached); Hive forwards an internal principal the load client signed in advance',
    '(propagateHeaders.fromClientToSubgraphs) and runs with its defaults, in-flight deduplication of identical',
    'subgraph requests included. Both run as one process over the same subgraphs and the same supergraph SDL.',
  );
  return `${lines.join('\n')}\n`;
}
