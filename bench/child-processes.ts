import { spawn, type ChildProcess } from 'node:child_process';

/** Characters of a child's stderr kept for the error when it fails to start or dies: the end says why. */
const STDERR_TAIL_CHARS = 4_000;
/** How often a starting server is asked whether it is ready. */
const READY_POLL_MS = 200;

/** A server a benchmark started in its own process (and process group). */
export interface BenchChild {
  /** What it is, in messages ("our gateway", "Hive Gateway"). */
  name: string;
  /** The process's id: its resident set is what the bench samples. */
  pid: number;
  process: ChildProcess;
  /** The end of what it wrote to stderr (and stdout), for error messages. */
  output(): string;
  /** SIGKILL to its process group, then waits for its exit. */
  kill(): Promise<void>;
}

/** Every child still running, so an error, Ctrl-C or exit leaves none behind. */
const running = new Set<BenchChild>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    // The group: a loader (tsx's esbuild service) or a worker the child started goes with it.
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** SIGKILLs every running child at once (synchronous: safe in an `exit` handler). */
export function killAllBenchChildren(): void {
  for (const child of running) killGroup(child.process);
  running.clear();
}

// A bench that throws, exits or is interrupted takes its servers with it.
process.once('exit', killAllBenchChildren);

/** Where and how a child runs. */
export interface BenchChildOptions {
  cwd: string;
  env: Record<string, string>;
  /** Told the child's pid (its process group) at once, before it is ready: the run's reaper (bench/reaper.ts). */
  onSpawn?: (pid: number) => void;
}

/**
 * Starts `command args` in its own process group with exactly `env` (not the bench's environment:
 * settings the bench does not choose must not leak in). Its output is kept only as a tail for errors.
 */
export function spawnBenchChild(name: string, command: string, args: readonly string[], options: BenchChildOptions): BenchChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid === undefined) throw new Error(`${name} did not start: ${command} ${args.join(' ')}`);
  options.onSpawn?.(child.pid);
  let tail = '';
  const keep = (chunk: string) => (tail = (tail + chunk).slice(-STDERR_TAIL_CHARS));
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const handle: BenchChild = {
    name,
    pid: child.pid,
    process: child,
    output: () => tail,
    async kill() {
      killGroup(child);
      await exited;
      running.delete(handle);
    },
  };
  running.add(handle);
  return handle;
}

/**
 * Resolves once `url` answers 200; rejects with the child's output if it exits first or
 * `timeoutMs` passes (a gateway that cannot load the supergraph never gets ready).
 */
export async function waitUntilReady(child: BenchChild, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      throw new Error(`${child.name} exited (${child.process.exitCode ?? child.process.signalCode}) before it was ready:\n${child.output()}`);
    }
    const status = await fetch(url).then(
      (response) => {
        void response.body?.cancel();
        return response.status;
      },
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_MS));
  }
  throw new Error(`${child.name} was not ready at ${url} within ${timeoutMs} ms:\n${child.output()}`);
}
