import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The repository root: children run `node_modules/.bin/tsx` from there. */
const ROOT = path.resolve(__dirname, '../..');

/** A spawned test process and the lines it printed on stdout so far. */
export interface TestChild {
  process: ChildProcess;
  lines: string[];
  /** Resolves when the child printed a line matching `pattern`; rejects after `timeoutMs` or if it exits first. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** SIGKILL (a crash: no cleanup runs) and wait for the exit. */
  kill(): Promise<void>;
}

/** Children of this test file, so `killAll` in `afterAll` leaves none behind when a test fails. */
const children = new Set<TestChild>();

/**
 * Starts `script` (a path from the repository root, e.g. `test/processes/crash-relay.ts`) under tsx with `env` added to ours; a
 * variable set to undefined is left out, so a child can run without one the test runner sets
 * (jest's NODE_ENV, for instance). `options.compiled`: `script` is compiled JavaScript
 * (`dist/app/service.js`) run by plain node, as the container image runs it; `args` follow it.
 */
export function spawnTestProcess(
  script: string,
  env: Record<string, string | undefined>,
  options: { compiled?: boolean; args?: readonly string[] } = {},
): TestChild {
  const command = options.compiled ? process.execPath : path.join(ROOT, 'node_modules/.bin/tsx');
  const child = spawn(command, [path.resolve(ROOT, script), ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', RG_TEST_PARENT_PID: String(process.pid), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: tsx runs the script in a child node process, and a SIGKILL to the
    // group reaches both (a SIGKILL to tsx alone would leave the script running).
    detached: true,
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buffered = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const listener of listeners) listener();
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const handle: TestChild = {
    process: child,
    lines,
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((candidate) => pattern.test(candidate));
          if (line === undefined) return false;
          finish();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`${script} printed no line matching ${pattern} within ${timeoutMs} ms; stderr: ${stderr}`));
        }, timeoutMs);
        const onExit = () => {
          if (check()) return;
          finish();
          reject(new Error(`${script} exited (code ${child.exitCode}) before printing ${pattern}; stderr: ${stderr}`));
        };
        const finish = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
      children.delete(handle);
    },
  };
  children.add(handle);
  return handle;
}

/** Kills every child still running; call from `afterAll`. */
export async function killAllTestProcesses(): Promise<void> {
  await Promise.all([...children].map((child) => child.kill()));
}
