/**
 * Where the tests find PostgreSQL and Redis: `DATABASE_URL` / `REDIS_URL` override the loopback
 * services of the development machine and CI.
 */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The URL of another database on the same server. */
export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Names this run's folder of files, made by global setup and removed by global teardown. */
export const RUN_DIR_ENV = 'RG_TEST_RUN_DIR';
