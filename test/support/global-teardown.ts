import { rm } from 'node:fs/promises';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, RUN_DIR_ENV } from './env';

/** Drops every database this run created, including ones a crashed test file left behind, and its folder of files. */
export default async function globalTeardown(): Promise<void> {
  const runDir = process.env[RUN_DIR_ENV];
  if (runDir) await rm(runDir, { recursive: true, force: true });
  const run = process.env.RG_TEST_RUN;
  if (!run) return;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${run}%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
