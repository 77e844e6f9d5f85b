import { Client } from 'pg';
import { ADMIN_DATABASE_URL } from './env';

/** Drops every database this run created, including ones a crashed test file left behind. */
export default async function globalTeardown(): Promise<void> {
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
