import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HIVE_GATEWAY_VERSION, hiveGatewayConfig, hiveInstallDir, hivePackageJson, writeHiveFiles } from './hive-gateway';

/**
 * Loads a written config as Hive does (an ES module's `gatewayConfig` export) in a plain node
 * process, and calls its header propagation with a client request carrying `headers`.
 */
function loadConfig(path: string, headers: Record<string, string>): Record<string, unknown> {
  const script = `
    const { gatewayConfig } = await import(${JSON.stringify(pathToFileURL(path).href)});
    const request = new Request('http://127.0.0.1/graphql', { headers: ${JSON.stringify(headers)} });
    const propagated = gatewayConfig.propagateHeaders.fromClientToSubgraphs({ request, subgraphName: 'orders', context: {} });
    process.stdout.write(JSON.stringify({ ...gatewayConfig, propagateHeaders: undefined, propagated }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Record<string, unknown>;
}

describe('Hive Gateway for the peers bench', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'rg-hive-config-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('installs into a versioned folder of the user cache, outside the repository', () => {
    expect(hiveInstallDir('/home/dev/.cache')).toBe(`/home/dev/.cache/returns-graph/hive-gateway-${HIVE_GATEWAY_VERSION}`);
  });

  it('pins the exact version in the install folder’s own package.json', () => {
    expect(JSON.parse(hivePackageJson())).toMatchObject({ private: true, dependencies: { '@graphql-hive/gateway': '2.14.2' } });
  });

  it('writes the supergraph and a config Hive loads: that file, loopback, the port, one process, warn logs', async () => {
    const configPath = await writeHiveFiles(folder, 'schema { query: Query }', { port: 4123, propagatedHeaders: ['X-Internal-Principal'] });
    expect(await readFile(join(folder, 'supergraph.graphql'), 'utf8')).toBe('schema { query: Query }');
    expect(loadConfig(configPath, {})).toMatchObject({
      supergraph: join(folder, 'supergraph.graphql'),
      host: '127.0.0.1',
      port: 4123,
      fork: 1,
      logging: 'warn',
    });
  });

  it('forwards only the named client headers to subgraphs, and none that are absent', () => {
    const configPath = join(folder, 'gateway.config.mjs');
    expect(loadConfig(configPath, { 'x-internal-principal': 'signed.jwt.here', authorization: 'Bearer client' }).propagated).toEqual({
      'x-internal-principal': 'signed.jwt.here',
    });
    expect(loadConfig(configPath, { authorization: 'Bearer client' }).propagated).toEqual({});
  });

  it('leaves every other option, deduplication included, to Hive’s defaults', () => {
    const text = hiveGatewayConfig({ supergraphPath: '/tmp/s.graphql', port: 1, propagatedHeaders: [] });
    expect(text).not.toMatch(/dedup/i);
  });
});
