import { formatPeersReport, formatRatio, ratio, verdict, type PeersResults } from './peers-report';
import type { LoadResult } from './support';

const MIB = 1024 * 1024;
const run = (requestsPerSecond: number, p50Ms = 10, p99Ms = 40, failures = 0): LoadResult => ({
  label: 'run',
  requestsPerSecond,
  p50Ms,
  p99Ms,
  errors: failures,
  non2xx: 0,
});

const RESULTS: PeersResults = {
  rows: [
    { workload: 'federated read, 1,000 orders', ours: run(1500), hive: run(1000), target: 1.5 },
    { workload: 'federated read, one hot order', ours: run(1200), hive: run(1000), target: 1.5 },
    { workload: 'order + lines (orders only)', ours: run(3000), hive: run(2000, 12, 50, 7) },
  ],
  memory: {
    ours: { idleBytes: 100 * MIB, peakBytes: 120 * MIB, afterBytes: 110 * MIB },
    hive: { idleBytes: 180 * MIB, peakBytes: 240 * MIB, afterBytes: 230 * MIB },
  },
  direct: { direct: run(4000), ours: run(3000), hive: run(2000) },
  durationSeconds: 10,
  connections: 32,
};

describe('ratios', () => {
  it('divides, and has no ratio over a run that served nothing', () => {
    expect(ratio(3, 2)).toBe(1.5);
    expect(ratio(3, 0)).toBeUndefined();
    expect(formatRatio(1.5)).toBe('1.50x');
    expect(formatRatio(undefined)).toBe('n/a');
  });

  it('meets a throughput target at or above it, a memory target at or below it', () => {
    expect(verdict(1.5, 1.5, 'at-least')).toBe('met');
    expect(verdict(1.49, 1.5, 'at-least')).toBe('NOT met');
    expect(verdict(0.6, 0.6, 'at-most')).toBe('met');
    expect(verdict(0.61, 0.6, 'at-most')).toBe('NOT met');
    expect(verdict(undefined, 0.6, 'at-most')).toBe('no figure');
  });
});

describe('formatPeersReport', () => {
  const text = formatPeersReport(RESULTS);
  const line = (start: string) => text.split('\n').find((candidate) => candidate.startsWith(start)) ?? '';

  it('prints each workload with both gateways, the ratio ours/Hive and its target', () => {
    expect(line('federated read, 1,000 orders')).toMatch(/1500\s+10\s+40\s+\|\s+1000\s+10\s+40\s+\|\s+1\.50x \| >= 1\.5x met$/);
    expect(line('federated read, one hot order')).toMatch(/1\.20x \| >= 1\.5x NOT met$/);
    expect(line('order + lines (orders only)')).toMatch(/1\.50x \| —$/);
  });

  it('shows failed requests beside a run figure', () => {
    expect(line('order + lines (orders only)')).toContain('(7 failed)');
  });

  it('prints both gateways’ memory in MiB and the peak ratio against its target', () => {
    expect(line('ours ')).toMatch(/100\.0 \|\s+120\.0 \|\s+110\.0$/);
    expect(line('Hive ')).toMatch(/180\.0 \|\s+240\.0 \|\s+230\.0$/);
    expect(text).toContain('peak RSS ours/Hive: 0.50x (target <= 0.6x: met)');
  });

  it('prints each gateway against the subgraph direct', () => {
    expect(text).toContain('gateway/direct req/s: ours 0.75x (target >= 0.6: met), Hive 0.50x (target >= 0.6: NOT met)');
  });

  it('says that the two gateways do different work per request', () => {
    expect(text).toContain('ours verifies the client bearer token (cached) and signs the internal principal');
    expect(text).toContain('in-flight deduplication');
  });
});
