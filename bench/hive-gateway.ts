import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnBenchChild, waitUntilReady, type BenchChild } from './child-processes';

/**
 * Hive Gateway, The Guild's federation gateway, as the peer our gateway is measured against. Pinned
 * exactly, so figures of two runs compare the same build; engines node >= 20, as ours.
 */
export const HIVE_GATEWAY_VERSION = '2.14.2';
const HIVE_PACKAGE = '@graphql-hive/gateway';
/** Its CLI (`bin.hive-gateway` of the package), run by plain node so the process we sample is the gateway itself. */
const HIVE_BIN = join('node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
/** A first install fetches about 750 packages: minutes on a slow link, never forever. */
const INSTALL_TIMEOUT_MS = 10 * 60_000;
/** Hive loads and plans the supergraph at start; on a loaded machine that takes seconds. */
const HIVE_START_MS = 60_000;

/**
 * Where the pinned Hive Gateway is installed, under the user's cache (`XDG_CACHE_HOME`, default
 * `~/.cache`): outside the repository, so it is never a dependency of the product, and reused by
 * every later run.
 */
export function hiveInstallDir(cacheHome: string): string {
  return join(cacheHome, 'returns-graph', `hive-gateway-${HIVE_GATEWAY_VERSION}`);
}

/** The install folder's own package.json: Hive Gateway at the pinned version, nothing else. */
export function hivePackageJson(): string {
  const manifest = {
    name: 'returns-graph-bench-hive-gateway',
    private: true,
    description: 'Hive Gateway for `npm run bench -- peers` (bench/hive-gateway.ts); not a dependency of Returns Graph.',
    dependencies: { [HIVE_PACKAGE]: HIVE_GATEWAY_VERSION },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The installed version in `dir`, or undefined when it holds none. */
function installedVersion(dir: string): string | undefined {
  const manifest = join(dir, 'node_modules', '@graphql-hive', 'gateway', 'package.json');
  if (!existsSync(manifest) || !existsSync(join(dir, HIVE_BIN))) return undefined;
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
}

/**
 * The path of the Hive Gateway CLI in `dir`, installing it there first (`npm install --omit=dev`
 * from the npm registry) when the pinned version is not present. Throws, saying so plainly, when
 * the install fails: there is no comparison without the peer.
 */
export async function ensureHiveGateway(dir: string, log: (line: string) => void): Promise<string> {
  if (installedVersion(dir) === HIVE_GATEWAY_VERSION) return join(dir, HIVE_BIN);
  log(`Installing ${HIVE_PACKAGE}@${HIVE_GATEWAY_VERSION} into ${dir} (first use; needs the npm registry) ...`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'package.json'), hivePackageJson());
  const { code, output } = await run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev'], dir);
  if (code !== 0 || installedVersion(dir) !== HIVE_GATEWAY_VERSION) {
    throw new Error(
      `Could not install ${HIVE_PACKAGE}@${HIVE_GATEWAY_VERSION} into ${dir} (npm exited ${code}); the peers bench needs the npm registry on first use.\n${output}`,
    );
  }
  return join(dir, HIVE_BIN);
}

function run(command: string, args: string[], cwd: string): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT_MS });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4_000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => resolve({ code: error.message, output }));
    child.once('close', (code, signal) => resolve({ code: code ?? signal ?? 'unknown', output }));
  });
}

/** What the bench's Hive Gateway serves and forwards. */
export interface HiveConfigOptions {
  /** Absolute path of the supergraph SDL (the registry's, the same our gateway loads). */
  supergraphPath: string;
  port: number;
  /** Client request headers forwarded to every subgraph request unchanged. */
  propagatedHeaders: readonly string[];
}

/**
 * The `gateway.config.mjs` of one run. Everything not written here is Hive's default (in-flight
 * deduplication of identical subgraph requests included): the comparison is against Hive as it ships.
 * One process (`fork: 1`, also the default) as our gateway is one. Logging at warn, as ours runs.
 * Our subgraphs refuse a request without a verified internal principal, and Hive does not sign one:
 * it forwards the header the load client signed in advance (`propagateHeaders.fromClientToSubgraphs`).
 */
export function hiveGatewayConfig(options: HiveConfigOptions): string {
  const headers = JSON.stringify(options.propagatedHeaders.map((header) => header.toLowerCase()));
  return `// Written by npm run bench -- peers (bench/hive-gateway.ts) for one run; deleted with its folder.
const PROPAGATED = ${headers};

export const gatewayConfig = {
  supergraph: ${JSON.stringify(options.supergraphPath)},
  host: '127.0.0.1',
  port: ${options.port},
  fork: 1,
  logging: 'warn',
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const headers = {};
      for (const name of PROPAGATED) {
        const value = request.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      return headers;
    },
  },
};
`;
}

/** Writes the supergraph and the config into `folder` (a temporary one) and returns the config's path. */
export async function writeHiveFiles(folder: string, supergraphSdl: string, options: Omit<HiveConfigOptions, 'supergraphPath'>): Promise<string> {
  const supergraphPath = join(folder, 'supergraph.graphql');
  const configPath = join(folder, 'gateway.config.mjs');
  await writeFile(supergraphPath, supergraphSdl);
  await writeFile(configPath, hiveGatewayConfig({ ...options, supergraphPath }));
  return configPath;
}

/**
 * Starts Hive Gateway (`hive-gateway supergraph` with the written config) in its own process,
 * production mode, and waits until its readiness endpoint answers.
 */
export async function startHiveGateway(options: {
  bin: string;
  configPath: string;
  folder: string;
  port: number;
  onSpawn?: (pid: number) => void;
}): Promise<BenchChild> {
  const child = spawnBenchChild('Hive Gateway', process.execPath, [options.bin, 'supergraph', '--config-path', options.configPath], {
    cwd: options.folder,
    onSpawn: options.onSpawn,
    env: { HOME: options.folder, NODE_ENV: 'production' },
  });
  try {
    await waitUntilReady(child, `http://127.0.0.1:${options.port}/readiness`, HIVE_START_MS);
  } catch (error) {
    await child.kill();
    throw error;
  }
  return child;
}
