import { readFile, rename, writeFile } from 'node:fs/promises';
import { PgliteDb } from '../../platform/db';

/** Names the file this run keeps its empty PGlite data folder in (set by global-setup.ts). */
export const PGLITE_TARBALL_ENV = 'RG_TEST_PGLITE_TARBALL';

/**
 * A fresh, empty in-memory PGlite database (no schema, no migrations: suites that test migrations
 * run them themselves), started from a tarball of one that was initialised once for this test run.
 *
 * A cold `PgliteDb.open()` runs a whole initdb in WebAssembly (about 4.5 s on a quiet machine,
 * 10-20 s under a full test run); loading the tarball takes about 1.5 s. The tarball is made by the
 * first file that asks for it, not in global setup: there the initdb would hold up every run, even
 * one without a PGlite suite, with one core idle (PGlite's WebAssembly blocks the event loop, so it
 * cannot overlap the PostgreSQL template's migrations). Two files that ask at once both initialise
 * and both write the same content, each through a rename, so a reader never sees half a file.
 * Outside jest (no global setup) every call is a cold open.
 */
export async function openTestPglite(): Promise<PgliteDb> {
  const path = process.env[PGLITE_TARBALL_ENV];
  if (!path) return PgliteDb.open();
  const tarball = await readIfPresent(path);
  if (tarball) return PgliteDb.open({ loadDataDir: new Blob([tarball]) });
  const db = await PgliteDb.open();
  try {
    const temporary = `${path}.${process.pid}-${Date.now()}`;
    await writeFile(temporary, await db.snapshot());
    await rename(temporary, path);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

/**
 * Opens in-memory PGlite as `openPgliteSnapshot`'s default does, but an empty start from this run's
 * tarball: what a cache of real PGlite data folders is tested with.
 */
export function openTestPgliteFrom(loadDataDir?: Blob): Promise<PgliteDb> {
  return loadDataDir ? PgliteDb.open({ loadDataDir }) : openTestPglite();
}

async function readIfPresent(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
