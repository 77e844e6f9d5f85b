import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { Client } from 'pg';

/**
 * What a write costs end to end: commits of the bench database (`pg_stat_database.xact_commit`,
 * which counts read-only autocommit SELECTs too), WAL bytes (`pg_current_wal_lsn()`, cluster-wide:
 * other databases on the server add to it) and CPU of this process, which runs every service, the
 * gateway and the bench's own client.
 */
export interface WriteCounters {
  commits: number;
  walLsn: string;
  cpuMicros: number;
  at: number;
}

/**
 * A backend reports its statistics at most once a second while busy and up to 10 s after it went
 * idle (PostgreSQL 15), so counters are read this long after the last write they must include.
 */
export const STATS_FLUSH_WAIT_MS = 11_000;

/** Reads the counters through a connection of its own (a fresh statistics snapshot each time). */
export async function readCounters(databaseUrl: string): Promise<WriteCounters> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ commits: string; lsn: string }>(
      `SELECT xact_commit::text AS commits, pg_current_wal_lsn()::text AS lsn FROM pg_stat_database WHERE datname = current_database()`,
    );
    const usage = process.cpuUsage();
    return { commits: Number(rows[0]?.commits ?? 0), walLsn: rows[0]?.lsn ?? '0/0', cpuMicros: usage.user + usage.system, at: performance.now() };
  } finally {
    await client.end();
  }
}

/** Bytes between two WAL positions (`X/Y` hexadecimal). */
export function walBytes(from: string, to: string): number {
  const parse = (lsn: string) => {
    const [high, low] = lsn.split('/');
    return Number.parseInt(high ?? '0', 16) * 2 ** 32 + Number.parseInt(low ?? '0', 16);
  };
  return parse(to) - parse(from);
}

/** Differences of two readings, per `units` (returns), minus the idle rate the pollers commit anyway. */
export function perUnit(
  before: WriteCounters,
  after: WriteCounters,
  units: number,
  idleCommitsPerSecond: number,
): { commits: number; commitsNetOfIdle: number; walBytes: number; cpuMs: number } {
  const seconds = (after.at - before.at) / 1000;
  const commits = after.commits - before.commits;
  // Readings' own connections commit nothing worth counting (one SELECT each), but the idle pollers
  // keep committing through the whole window, settle wait included.
  return {
    commits: commits / units,
    commitsNetOfIdle: Math.max(0, commits - idleCommitsPerSecond * seconds) / units,
    walBytes: walBytes(before.walLsn, after.walLsn) / units,
    cpuMs: (after.cpuMicros - before.cpuMicros) / 1000 / units,
  };
}

/** Commits and WAL per second of a graph left alone for `ms`. */
export async function idleRate(databaseUrl: string, ms: number): Promise<{ commitsPerSecond: number; walBytesPerSecond: number }> {
  const before = await readCounters(databaseUrl);
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = await readCounters(databaseUrl);
  const seconds = (after.at - before.at) / 1000;
  return { commitsPerSecond: (after.commits - before.commits) / seconds, walBytesPerSecond: walBytes(before.walLsn, after.walLsn) / seconds };
}

/** A CPU profile of this process while `work` runs, written to `path` (a `.cpuprofile` for DevTools); no path, no profile. */
export async function profiled<T>(path: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!path) return work();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await work();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
  }
}
