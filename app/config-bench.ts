/**
 * Settings of `npm run bench` beyond the servers it runs on (DATABASE_URL, REDIS_URL): where it
 * keeps what it installs for itself.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

/** Where benchmarks cache tools that are not dependencies of the product (the peers bench's Hive Gateway). */
export const BENCH_SETTINGS = {
  /**
   * The user's cache folder (XDG Base Directory); default `~/.cache`. The peers bench installs Hive
   * Gateway under `<XDG_CACHE_HOME>/returns-graph/`. Absolute only, as the specification requires.
   */
  XDG_CACHE_HOME: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
};
