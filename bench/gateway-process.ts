import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JWK } from 'jose';
import { spawnBenchChild, waitUntilReady, type BenchChild } from './child-processes';

/** The repository root: the gateway process runs `app/service.ts` (or the compiled `dist/`) from here. */
const ROOT = resolve(__dirname, '..');
/** tsx compiles the gateway's modules as they load; on a loaded machine that takes seconds. */
const GATEWAY_START_MS = 60_000;

/** What our gateway process needs: the same settings production's gateway gets (README "Production setup"). */
export interface GatewayProcessOptions {
  registryUrl: string;
  registryToken: string;
  /** Verifies the load client's bearer tokens (`AUTH_PUBLIC_JWK`). */
  publicJwk: JWK;
  /** `INTERNAL_TOKEN_SECRET`, shared with the subgraphs. */
  internalSecret: string;
  redisUrl: string;
  /** A prefix of the run's own, so its subscription fan-out never meets another deployment's. */
  redisPrefix: string;
  port: number;
  /** Run `dist/app/service.js` (after `npm run build`), as the container image does, instead of the sources under tsx. */
  compiled: boolean;
  /** Told its pid as soon as it is spawned. */
  onSpawn?: (pid: number) => void;
}

/** The command line of our gateway: the compiled service under plain node, or the sources under tsx's loader. */
export function gatewayCommand(compiled: boolean): string[] {
  if (compiled) {
    const script = join(ROOT, 'dist', 'app', 'service.js');
    if (!existsSync(script)) throw new Error(`--compiled needs ${script}: run \`npm run build\` first`);
    return ['--enable-source-maps', script, 'gateway'];
  }
  // `--import tsx` rather than the tsx CLI: the CLI runs the service in a second node process, and
  // the process whose memory we sample must be the gateway itself.
  return ['--import', 'tsx', join(ROOT, 'app', 'service.ts'), 'gateway'];
}

/**
 * Starts our gateway alone in its own process, production mode (app/service.ts `gateway`,
 * `NODE_ENV=production`, `LOG_LEVEL=warn`), and waits until `/readyz` answers (supergraph loaded).
 */
export async function startGatewayProcess(options: GatewayProcessOptions): Promise<BenchChild> {
  const child = spawnBenchChild('our gateway', process.execPath, gatewayCommand(options.compiled), {
    cwd: ROOT,
    onSpawn: options.onSpawn,
    env: {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      REGISTRY_URL: options.registryUrl,
      REGISTRY_TOKEN: options.registryToken,
      INTERNAL_TOKEN_SECRET: options.internalSecret,
      AUTH_PUBLIC_JWK: JSON.stringify(options.publicJwk),
      REDIS_URL: options.redisUrl,
      REDIS_PREFIX: options.redisPrefix,
    },
  });
  try {
    await waitUntilReady(child, `http://127.0.0.1:${options.port}/readyz`, GATEWAY_START_MS);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return child;
}
