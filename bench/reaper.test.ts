import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { parseReaperLine } from './reaper';
import { ADMIN_DATABASE_URL as ADMIN_URL } from '../test/support/env';

describe('parseReaperLine', () => {
  it('reads each kind of line', () => {
    expect(parseReaperLine('group 4242')).toEqual({ kind: 'group', pid: 4242 });
    expect(parseReaperLine('database rg_bench_peers_x1_42')).toEqual({ kind: 'database', name: 'rg_bench_peers_x1_42' });
    expect(parseReaperLine('folder /tmp/rg-bench-peers-abc')).toEqual({ kind: 'folder', path: '/tmp/rg-bench-peers-abc' });
    expect(parseReaperLine('admin postgres://root@127.0.0.1:5432/postgres')).toEqual({ kind: 'admin', url: 'postgres://root@127.0.0.1:5432/postgres' });
    expect(parseReaperLine('done')).toEqual({ kind: 'done' });
  });

  it.each([
    ['database returns_prod', 'a database that is not a benchmark’s'],
    ['database rg_bench_x; DROP TABLE y', 'SQL in a name'],
    ['group 0', 'process group 0 (our own group)'],
    ['group -1', 'every process'],
    ['folder relative/path', 'a relative folder'],
    ['admin mysql://db', 'not PostgreSQL'],
    ['reboot', 'an unknown word'],
  ])('refuses %j (%s)', (line) => {
    expect(() => parseReaperLine(line)).toThrow(/not a reaper line/);
  });
});

describe('the reaper process', () => {
  it('kills the process groups, drops the database and removes the folder it was told about when the bench’s pipe closes', async () => {
    const name = `rg_bench_reaper_${process.pid}`;
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const folder = await mkdtemp(join(tmpdir(), 'rg-reaper-test-'));
    const sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    const sleeperExit = new Promise((done) => sleeper.once('exit', (_code, signal) => done(signal)));
    const reaper = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'reaper-process.ts')], {
      cwd: resolve(__dirname, '..'),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const reaperExit = new Promise((done) => reaper.once('exit', (code) => done(code)));
    reaper.stdin.write(`admin ${ADMIN_URL}\ngroup ${sleeper.pid}\ndatabase ${name}\nfolder ${folder}\n`);
    // The bench dying closes its end of the pipe; ending stdin without "done" is the same to the reaper.
    reaper.stdin.end();
    expect(await reaperExit).toBe(0);
    expect(await sleeperExit).toBe('SIGKILL');
    expect(existsSync(folder)).toBe(false);
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await admin.end();
    expect(rows).toEqual([]);
  }, 60_000);

  it('does nothing once told "done": the bench cleaned up itself', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'rg-reaper-test-'));
    const reaper = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'reaper-process.ts')], {
      cwd: resolve(__dirname, '..'),
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    const reaperExit = new Promise((done) => reaper.once('exit', (code) => done(code)));
    reaper.stdin.end(`folder ${folder}\ndone\n`);
    expect(await reaperExit).toBe(0);
    expect(existsSync(folder)).toBe(true);
    await rm(folder, { recursive: true });
  }, 60_000);
});
