import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { MigrationSet } from '../platform/db';
import { startOfUtcDay } from '../demo/orders';

const root = join(__dirname, '..');

/** Bumped when what a snapshot holds changes in a way no hashed file shows (e.g. how it is taken). */
const SNAPSHOT_FORMAT = 2;

/**
 * The code the demo seed runs, beyond the migrations: the demo data, the contracts of the events it
 * emits, the stores and write path it writes through, and the event pipeline and every subgraph's
 * consumers, which carry the seed's events before the snapshot is taken. Broad on purpose: a change
 * in any of these folders rebuilds the snapshot (one slow start) rather than starting on data the
 * current code would not have written.
 */
const SEED_SOURCES = [
  'app/demo.ts',
  'app/demo-events.ts',
  'demo',
  'contracts',
  'subgraphs',
  'platform/events',
  'platform/write-path',
  'platform/ids.ts',
  'platform/money.ts',
];

/**
 * The key of the embedded default's database snapshot: a hash of everything that decides its
 * content: PGlite's version (its data folder format), every migration file of the schemas this
 * configuration migrates, the seed's code, and the seed's anchor day (demo orders are dated back
 * from the start of today, UTC, so the snapshot is rebuilt once a day and dates stay recent).
 */
export function embeddedSnapshotKey(migrations: readonly MigrationSet[], now: Date = new Date()): string {
  const hash = createHash('sha256');
  const add = (label: string, content: string | Buffer) => hash.update(`${label}\0${content.length}\0`).update(content);
  add('format', String(SNAPSHOT_FORMAT));
  add('pglite', pgliteVersion());
  add('anchor', startOfUtcDay(now).toISOString());
  for (const set of migrations) {
    add('schema', set.schema);
    for (const dir of Array.isArray(set.dir) ? set.dir : [set.dir]) {
      for (const file of filesUnder(dir, /\.sql$/)) add(relative(root, file), readFileSync(file));
    }
  }
  for (const source of SEED_SOURCES) {
    for (const file of filesUnder(join(root, source), /\.(ts|js)$/)) add(relative(root, file), readFileSync(file));
  }
  return hash.digest('hex').slice(0, 32);
}

/** PGlite's version, from its package.json (which its exports do not publish): above its entry point's dist/. */
function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(join(dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  if (manifest.name !== '@electric-sql/pglite') throw new Error(`PGlite's package.json was not where expected: found ${manifest.name}`);
  return manifest.version;
}

/** Files (or the file) at `path` whose names match, sorted, tests left out; nothing when it is absent. */
function filesUnder(path: string, pattern: RegExp): string[] {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') return pattern.test(path) ? [path] : [];
    // A compiled build (dist/) holds .js where the sources hold .ts: a missing file is skipped.
    if (code === 'ENOENT') return [];
    throw error;
  }
  return entries
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(join(path, entry.name), pattern) : [join(path, entry.name)]))
    .filter((file) => pattern.test(file) && !/\.test\.(ts|js)$/.test(file) && !file.endsWith('.d.ts'))
    .sort();
}
