import { spawn } from 'node:child_process';
import { isAbsolute, join, resolve } from 'node:path';

/** The repository root: the reaper runs `bench/reaper-process.ts` from here under tsx's loader. */
const ROOT = resolve(__dirname, '..');

/** Only benchmark databases may be named to the reaper: the name goes into a DROP DATABASE. */
const BENCH_DATABASE = /^rg_bench_[a-z0-9_]{1,50}$/;

/** One line the bench tells its reaper. */
export type ReaperLine =
  { kind: 'admin'; url: string } | { kind: 'group'; pid: number } | { kind: 'database'; name: string } | { kind: 'folder'; path: string } | { kind: 'done' };

/** Reads one line of the reaper's protocol (`group 123`, `database rg_bench_…`, `folder /tmp/…`, `admin <url>`, `done`); throws on anything else. */
export function parseReaperLine(line: string): ReaperLine {
  const space = line.indexOf(' ');
  const [word, rest] = space < 0 ? [line, ''] : [line.slice(0, space), line.slice(space + 1)];
  if (word === 'done' && rest === '') return { kind: 'done' };
  if (word === 'group' && /^[1-9]\d{0,9}$/.test(rest)) return { kind: 'group', pid: Number(rest) };
  if (word === 'database' && BENCH_DATABASE.test(rest)) return { kind: 'database', name: rest };
  if (word === 'folder' && isAbsolute(rest) && !rest.includes('\n')) return { kind: 'folder', path: rest };
  if (word === 'admin' && /^postgres(ql)?:\/\//.test(rest)) return { kind: 'admin', url: rest };
  throw new Error(`not a reaper line: ${JSON.stringify(line)}`);
}

/** The bench's end of its reaper. */
export interface Reaper {
  /** Kill this process group should the bench die. */
  group(pid: number): void;
  /** Drop this database (on the server of the admin URL) should the bench die. */
  database(name: string): void;
  /** Remove this folder should the bench die. */
  folder(path: string): void;
  /** The bench cleaned up itself: the reaper exits doing nothing. Idempotent. */
  release(): void;
}

/**
 * Starts a reaper process for a run whose databases live on the server of `adminUrl`. It outlives
 * the bench only to clean up after it: a signal handler cannot run when the bench is SIGKILLed, but
 * the pipe to the reaper closes whenever the bench's process ends, however it ends.
 */
export function startReaper(adminUrl: string): Reaper {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'reaper-process.ts')], {
    cwd: ROOT,
    stdio: ['pipe', 'ignore', 'inherit'],
    // Its own group, so Ctrl-C (sent to the terminal's foreground group) does not stop it first.
    detached: true,
  });
  // It must not keep the bench alive once the bench is done.
  child.unref();
  const tell = (line: string) => {
    parseReaperLine(line);
    child.stdin?.write(`${line}\n`);
  };
  tell(`admin ${adminUrl}`);
  let released = false;
  return {
    group: (pid) => tell(`group ${pid}`),
    database: (name) => tell(`database ${name}`),
    folder: (path) => tell(`folder ${path}`),
    release() {
      // Once: the interrupt path and the normal end may both get here.
      if (released) return;
      released = true;
      tell('done');
      child.stdin?.end();
    },
  };
}
