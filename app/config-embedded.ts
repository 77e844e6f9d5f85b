/** Settings of the embedded default (`npm start`): its start-up cache. */
import { z } from 'zod';

/** Where the embedded default keeps what makes its next start fast, and whether it does. */
export const EMBEDDED_SETTINGS = {
  /**
   * Folder of the embedded default's start-up cache: a snapshot of the migrated, seeded in-memory
   * database (app/embedded-snapshot.ts), rebuilt when the migrations, the seed or the day change.
   */
  EMBEDDED_CACHE_DIR: z.string().min(1).default('.data/embedded-cache'),
  /** `false` builds the in-memory database from empty at every start (initdb, migrations, seed) and keeps no snapshot. */
  EMBEDDED_SNAPSHOT: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('true'),
};
