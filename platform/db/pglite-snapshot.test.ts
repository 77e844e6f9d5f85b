import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPgliteSnapshot, type PgliteSnapshotOptions } from './pglite-snapshot';
import type { PgliteDb } from './pglite';
import { openTestPgliteFrom } from '../../test/support/pglite';

/** A real PGlite start (a tarball load, or an initdb when this run has no tarball yet) gets a loaded machine's time. */
jest.setTimeout(180_000);

/**
 * A database holding just the marker table, for the cases about the cache's files (keys, manifests,
 * corrupt tarballs): its "tarball" is the rows as JSON, and one that is not JSON does not open, as
 * PGlite refuses a tarball that is not a data folder. Two cases below use real PGlite.
 */
class MarkerDb {
  rows: { name: string; amount_minor: number }[] = [];
  static async open(loadDataDir?: Blob): Promise<PgliteDb> {
    const db = new MarkerDb();
    if (loadDataDir) db.rows = JSON.parse(await loadDataDir.text()) as MarkerDb['rows'];
    return db as unknown as PgliteDb;
  }
  async exec(): Promise<void> {}
  async query(sql: string, params: [string, number] = ['', 0]): Promise<{ rows: unknown[] }> {
    if (sql.startsWith('INSERT')) this.rows.push({ name: params[0], amount_minor: params[1] });
    return { rows: this.rows };
  }
  async snapshot(): Promise<Uint8Array> {
    return Buffer.from(JSON.stringify(this.rows));
  }
  async close(): Promise<void> {}
}

let cacheDir: string;
let builds: number;
let warnings: string[];

beforeEach(() => {
  cacheDir = join(mkdtempSync(join(tmpdir(), 'rg-pglite-snapshot-')), 'cache');
  builds = 0;
  warnings = [];
});

afterEach(() => rmSync(join(cacheDir, '..'), { recursive: true, force: true }));

/**
 * How the cache opens a database: `MarkerDb`; real PGlite whose empty database comes from this run's
 * tarball rather than an initdb of its own (a build works on an empty database either way, and
 * every tarball the cache saves or refuses is still opened by PGlite); or PGlite as the cache's
 * default opens it.
 */
type Engine = 'marker' | 'pglite' | 'pglite-default';
const OPEN: Record<Engine, Pick<PgliteSnapshotOptions, 'open'>> = {
  marker: { open: MarkerDb.open },
  pglite: { open: openTestPgliteFrom },
  'pglite-default': {},
};

/**
 * Builds a database with one marker row naming the build, so a test tells a reused snapshot from a
 * rebuild.
 */
function options(key: string, marker: string, engine: Engine = 'marker'): PgliteSnapshotOptions {
  return {
    ...OPEN[engine],
    cacheDir,
    key,
    build: async (db: PgliteDb) => {
      builds++;
      await db.exec(`CREATE SCHEMA demo; CREATE TABLE demo.marker (name text NOT NULL, amount_minor int8 NOT NULL)`);
      await db.query(`INSERT INTO demo.marker VALUES ($1, $2)`, [marker, 12_345]);
    },
    warn: (message) => warnings.push(message),
  };
}

async function markerOf(db: PgliteDb): Promise<unknown[]> {
  const { rows } = await db.query(`SELECT name, amount_minor FROM demo.marker`);
  return rows;
}

async function openAndClose(key: string, marker: string, engine: Engine = 'marker'): Promise<{ source: string; rows: unknown[] }> {
  const opened = await openPgliteSnapshot(options(key, marker, engine));
  try {
    return { source: opened.source, rows: await markerOf(opened.db) };
  } finally {
    await opened.db.close();
  }
}

describe('the PGlite snapshot cache', () => {
  it('builds and saves on first use (creating the folder), then reuses the snapshot without building (real PGlite)', async () => {
    expect(await openAndClose('k1', 'first', 'pglite')).toEqual({ source: 'built', rows: [{ name: 'first', amount_minor: 12_345 }] });
    expect(readdirSync(cacheDir).sort()).toEqual(['pglite-k1.json', 'pglite-k1.tar']);
    // A second start under the same key loads the tarball (with the cache's own default open): the
    // build does not run, the data is the first build's.
    expect(await openAndClose('k1', 'second', 'pglite-default')).toEqual({ source: 'snapshot', rows: [{ name: 'first', amount_minor: 12_345 }] });
    expect(builds).toBe(1);
    expect(warnings).toEqual([]);
  });

  it('rebuilds under a new key (changed migrations or seed) and removes the stale snapshot', async () => {
    await openAndClose('k1', 'old');
    expect(await openAndClose('k2', 'new')).toEqual({ source: 'built', rows: [{ name: 'new', amount_minor: 12_345 }] });
    expect(readdirSync(cacheDir).sort()).toEqual(['pglite-k2.json', 'pglite-k2.tar']);
    expect(builds).toBe(2);
  });

  it('rebuilds when the tarball does not match its manifest (corrupt or truncated), and says so', async () => {
    await openAndClose('k1', 'original');
    const tarPath = join(cacheDir, 'pglite-k1.tar');
    const bytes = readFileSync(tarPath);
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    writeFileSync(tarPath, bytes);
    expect(await openAndClose('k1', 'rebuilt')).toEqual({ source: 'built', rows: [{ name: 'rebuilt', amount_minor: 12_345 }] });
    expect(warnings).toEqual([expect.stringMatching(/does not match its manifest/)]);
    // The rebuilt snapshot is valid again.
    expect(await openAndClose('k1', 'unused')).toMatchObject({ source: 'snapshot', rows: [{ name: 'rebuilt' }] });
  });

  it('rebuilds when the manifest is not JSON, and when the tarball is missing', async () => {
    await openAndClose('k1', 'original');
    writeFileSync(join(cacheDir, 'pglite-k1.json'), '{"key":');
    expect(await openAndClose('k1', 'after-bad-manifest')).toMatchObject({ source: 'built', rows: [{ name: 'after-bad-manifest' }] });
    expect(warnings).toEqual([expect.stringMatching(/could not be read/)]);
    rmSync(join(cacheDir, 'pglite-k1.tar'));
    expect(await openAndClose('k1', 'after-missing-tar')).toMatchObject({ source: 'built', rows: [{ name: 'after-missing-tar' }] });
  });

  it('rebuilds when a tarball with a matching manifest is not a data folder PGlite can open (real PGlite)', async () => {
    mkdirSync(cacheDir, { recursive: true });
    const garbage = Buffer.from('not a tarball of a PostgreSQL data folder');
    writeFileSync(join(cacheDir, 'pglite-k1.tar'), garbage);
    const { createHash } = await import('node:crypto');
    writeFileSync(
      join(cacheDir, 'pglite-k1.json'),
      JSON.stringify({ key: 'k1', sha256: createHash('sha256').update(garbage).digest('hex'), bytes: garbage.byteLength }),
    );
    expect(await openAndClose('k1', 'rebuilt', 'pglite')).toMatchObject({ source: 'built', rows: [{ name: 'rebuilt' }] });
    expect(warnings).toEqual([expect.stringMatching(/did not open/)]);
  });

  it('refuses a key that could name a path outside the cache folder', async () => {
    await expect(openPgliteSnapshot(options('../escape', 'x'))).rejects.toThrow(/the key must be/);
  });
});
