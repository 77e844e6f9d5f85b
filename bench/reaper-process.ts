import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { parseReaperLine, type ReaperLine } from './reaper';

/**
 * The reaper of one bench run, in a process of its own (bench/reaper.ts starts it). The bench
 * tells it on stdin what it started; when stdin ends without `done` — the bench died, even by a
 * SIGKILL no handler sees, such as tsx's when a loaded process answers Ctrl-C slowly — it kills
 * those process groups, drops those databases and removes those folders.
 */
async function main(): Promise<void> {
  const told: ReaperLine[] = [];
  let done = false;
  let buffered = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parseReaperLine(line);
      if (parsed.kind === 'done') done = true;
      else told.push(parsed);
    }
  });
  await new Promise<void>((resolve) => process.stdin.once('end', resolve));
  if (done) return;
  for (const line of told) {
    if (line.kind !== 'group') continue;
    try {
      process.kill(-line.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  const admin = told.find((line) => line.kind === 'admin');
  for (const line of told) {
    if (line.kind === 'folder') rmSync(line.path, { recursive: true, force: true });
    if (line.kind === 'database' && admin?.kind === 'admin') {
      const client = new Client({ connectionString: admin.url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${line.name} WITH (FORCE)`);
      await client.end();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench reaper: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
