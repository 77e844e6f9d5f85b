import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The real entry points refuse a bad setting before they start anything: `REFUNDS_SECOND_APPROVER_ABOVE_MINOR=abc`
 * used to start the refunds service with the four-eyes rule off (NaN compares false).
 */
const ROOT = path.resolve(__dirname, '..');
/** Long enough for tsx to compile and load the entry point on a busy machine; a process still running then has started. */
const EXIT_WITHIN_MS = 60_000;

/** What a finished (or killed) process left behind. */
interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `tsx <script> ...args` with `env` over ours; kills it if it is still running after
 * EXIT_WITHIN_MS. In its own process group, so the kill reaches the node process tsx starts too.
 */
function run(script: string, args: string[], env: Record<string, string>): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), [script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), EXIT_WITHIN_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A production environment that is valid except for the threshold (nothing listens on port 1). */
const PRODUCTION_ENV = {
  DATABASE_URL: 'postgres://root@127.0.0.1:1/none',
  REDIS_URL: 'redis://127.0.0.1:1',
  REGISTRY_URL: 'http://127.0.0.1:1',
  REGISTRY_TOKEN: 'r'.repeat(16),
  INTERNAL_TOKEN_SECRET: 's'.repeat(32),
  REFUNDS_PORT: '0',
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  REFUNDS_SECOND_APPROVER_ABOVE_MINOR: 'abc',
};

describe('start-up with a bad setting', () => {
  it(
    'stops the refunds service with a non-zero exit naming REFUNDS_SECOND_APPROVER_ABOVE_MINOR',
    async () => {
      const exit = await run('app/service.ts', ['refunds'], PRODUCTION_ENV);
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(exit.stderr).toContain('Invalid configuration:\n  REFUNDS_SECOND_APPROVER_ABOVE_MINOR: must be a whole number');
      expect(exit.stderr).toContain('(got "abc")');
    },
    EXIT_WITHIN_MS + 10_000,
  );

  it(
    'stops the embedded default the same way',
    async () => {
      const ports = { PORT: '0', ORDERS_PORT: '0', RETURNS_PORT: '0', INVENTORY_PORT: '0', REFUNDS_PORT: '0', REGISTRY_PORT: '0' };
      const exit = await run('app/embedded.ts', [], { ...ports, LOG_LEVEL: 'silent', REFUNDS_SECOND_APPROVER_ABOVE_MINOR: 'abc' });
      expect(exit.code).not.toBe(0);
      expect(exit.code).not.toBeNull();
      expect(exit.stderr).toContain('REFUNDS_SECOND_APPROVER_ABOVE_MINOR: must be a whole number');
      expect(exit.stdout).not.toContain('Returns Graph is running');
    },
    EXIT_WITHIN_MS + 10_000,
  );
});
