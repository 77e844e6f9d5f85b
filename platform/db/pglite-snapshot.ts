import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PgliteDb } from './pglite';

/** Options of `openPgliteSnapshot`. */
export interface PgliteSnapshotOptions {
  /** The folder the snapshot is kept in; created on demand. */
  cacheDir: string;
  /**
   * What the database is built from (a hash of migrations, seed and PGlite version, say): a snapshot
   * under another key is stale and is rebuilt. Letters, digits, `-` and `_` only (it names the file).
   */
  key: string;
  /** Builds the database from an empty one (migrates and seeds it) when no valid snapshot exists. */
  build: (db: PgliteDb) => Promise<void>;
  /** Told why a snapshot was not used or not kept (a warning, never fatal). */
  warn?: (message: string, error?: unknown) => void;
  /**
   * Opens an in-memory database, from a tarball when given one; default PGlite's. The cache's file
   * handling is tested with a lighter database: each PGlite start is a whole initdb.
   */
  open?: (loadDataDir?: Blob) => Promise<PgliteDb>;
}

const openPglite = (loadDataDir?: Blob): Promise<PgliteDb> => PgliteDb.open(loadDataDir ? { loadDataDir } : {});

/** An opened in-memory database and whether it came from the cache. */
export interface OpenedSnapshot {
  db: PgliteDb;
  source: 'snapshot' | 'built';
}

/** What is written beside each tarball: the tarball's own hash, so a truncated or altered file is never loaded. */
interface Manifest {
  key: string;
  sha256: string;
  bytes: number;
}

const KEY = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * An in-memory PGlite database started from a cached tarball of its data folder when one exists for
 * `key` and its bytes match the hash recorded beside it; otherwise built from empty with `build`
 * and saved for the next start. Loading a tarball skips initdb (a second WebAssembly instance),
 * the migrations and the seed. A stale, corrupt or unreadable snapshot is removed and rebuilt; a
 * cache that cannot be written only costs the next start its speed.
 */
export async function openPgliteSnapshot(options: PgliteSnapshotOptions): Promise<OpenedSnapshot> {
  if (!KEY.test(options.key)) throw new Error(`openPgliteSnapshot: the key must be 1 to 128 of A-Z a-z 0-9 _ -, but got: ${JSON.stringify(options.key)}`);
  const warn = options.warn ?? (() => undefined);
  const open = options.open ?? openPglite;
  const tarPath = join(options.cacheDir, `pglite-${options.key}.tar`);
  const manifestPath = join(options.cacheDir, `pglite-${options.key}.json`);
  const tarball = await readVerified(tarPath, manifestPath, options.key, warn);
  if (tarball) {
    try {
      return { db: await open(new Blob([tarball])), source: 'snapshot' };
    } catch (error) {
      warn(`the cached database ${tarPath} did not open; rebuilding it`, error);
    }
  }
  const db = await open();
  try {
    await options.build(db);
    await save(db, options.cacheDir, options.key, warn);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { db, source: 'built' };
}

/** The tarball when it and its manifest exist and agree; undefined (after removing both) otherwise. */
async function readVerified(
  tarPath: string,
  manifestPath: string,
  key: string,
  warn: (message: string, error?: unknown) => void,
): Promise<Uint8Array | undefined> {
  let manifest: Manifest;
  let tarball: Uint8Array;
  try {
    manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Manifest;
    tarball = await readFile(tarPath);
  } catch (error) {
    // No snapshot yet is the ordinary first start; anything else is worth a line.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`the cached database ${tarPath} could not be read; rebuilding it`, error);
    await removeQuietly(tarPath, manifestPath);
    return undefined;
  }
  if (manifest.key !== key || manifest.bytes !== tarball.byteLength || manifest.sha256 !== sha256(tarball)) {
    warn(`the cached database ${tarPath} does not match its manifest (corrupt or partly written); rebuilding it`);
    await removeQuietly(tarPath, manifestPath);
    return undefined;
  }
  return tarball;
}

/**
 * Writes the tarball, then its manifest, each to a temporary name renamed into place: a start that
 * dies halfway leaves no manifest, so no half-written snapshot is ever trusted. Older snapshots
 * (other keys) are removed.
 */
async function save(db: PgliteDb, cacheDir: string, key: string, warn: (message: string, error?: unknown) => void): Promise<void> {
  try {
    const tarball = await db.snapshot();
    await mkdir(cacheDir, { recursive: true });
    const temporary = `.${process.pid}-${Date.now()}`;
    const tarPath = join(cacheDir, `pglite-${key}.tar`);
    const manifestPath = join(cacheDir, `pglite-${key}.json`);
    await writeFile(tarPath + temporary, tarball);
    await rename(tarPath + temporary, tarPath);
    const manifest: Manifest = { key, sha256: sha256(tarball), bytes: tarball.byteLength };
    await writeFile(manifestPath + temporary, JSON.stringify(manifest));
    await rename(manifestPath + temporary, manifestPath);
    for (const name of await readdir(cacheDir)) {
      if (name.startsWith('pglite-') && !name.startsWith(`pglite-${key}.`)) await removeQuietly(join(cacheDir, name));
    }
  } catch (error) {
    warn(`the database snapshot could not be saved in ${cacheDir}; the next start builds it again`, error);
  }
}

async function removeQuietly(...paths: string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true }).catch(() => undefined)));
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
