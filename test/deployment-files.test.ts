import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import { SERVICES, SETTING_NAMES } from '../app/config';
import { ALL_MIGRATIONS } from '../app/migrations';
import { deploymentMigrations } from '../app/migrate-cli';
import { listAssets } from '../scripts/copy-assets';
import { ROOT } from './support/manifests';

/**
 * The container image, the compose topology and the compiled build's assets, checked without a
 * container engine: the Dockerfile's invariants as a lint, compose.yaml and .env.example against
 * the settings app/config.ts knows, and dist/ against what the services read by path.
 */
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** Dockerfile stages: each FROM line starts one; its instructions follow (continuations joined). */
function dockerStages(text: string): { from: string; name: string | undefined; lines: string[] }[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: { from: string; name: string | undefined; lines: string[] }[] = [];
  for (const line of logical) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2], lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const runtime = stages.at(-1)!;

  it('is multi-stage: dependencies and the build apart from a runtime with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages.some((stage) => stage.lines.some((line) => /^RUN npm ci\b(?!.*--omit=dev)/.test(line)))).toBe(true);
    expect(stages.some((stage) => stage.lines.some((line) => /^RUN npm run build\b/.test(line)))).toBe(true);
    expect(stages.some((stage) => stage.lines.some((line) => /^RUN npm ci .*--omit=dev/.test(line)))).toBe(true);
    // The runtime copies the compiled build and the production node_modules, never the sources.
    expect(runtime.lines).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime.lines.some((line) => /^COPY --from=prod-deps \/app\/node_modules/.test(line))).toBe(true);
    expect(runtime.lines.filter((line) => /^COPY\s+(?!--from=)/.test(line))).toEqual(['COPY package.json ./']);
  });

  it('runs compiled JavaScript with node as a non-root user, and checks its health', () => {
    const user = runtime.lines.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(runtime.lines.filter((line) => line.startsWith('CMD ')).at(-1)).toBe('CMD ["node", "dist/app/service.js"]');
    expect(runtime.lines.some((line) => /^HEALTHCHECK .*CMD \["node", "dist\/app\/healthcheck\.js"\]/.test(line))).toBe(true);
    expect(runtime.lines.join('\n')).not.toMatch(/\btsx\b/);
    expect(runtime.lines.some((line) => /NODE_ENV=production/.test(line))).toBe(true);
  });

  it('keeps local state, secrets and tests out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const entry of ['.git', 'node_modules', 'dist', '.data', '.env', 'test', '**/*.test.ts']) expect(ignored).toContain(entry);
  });
});

describe('compose.yaml and .env.example', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      {
        image?: string;
        command?: string[];
        env_file?: string;
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }>;
        healthcheck?: { test?: string[]; disable?: boolean };
        ports?: string[];
      }
    >;
  };
  const services = compose.services;
  const apps = Object.entries(services).filter(([, service]) => service.image?.includes('returns-graph'));
  /** Variables compose itself interpolates (not app settings). */
  const COMPOSE_ONLY = ['POSTGRES_PASSWORD'];

  it('runs the whole production topology: PostgreSQL, Redis, migrations, registry, four subgraphs, two gateways', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['postgres', 'redis', 'migrate', 'registry', 'orders', 'returns', 'inventory', 'refunds', 'gateway-1', 'gateway-2'].sort(),
    );
    const byService = apps.map(([, service]) => service.environment?.RG_SERVICE).filter(Boolean);
    expect(new Set(byService)).toEqual(new Set(SERVICES));
    expect(byService.filter((name) => name === 'gateway')).toHaveLength(2);
    expect(services.migrate?.command).toEqual(['node', 'dist/app/migrate-cli.js']);
  });

  it('sets only settings app/config.ts knows, the secrets from .env', () => {
    for (const [name, service] of apps) {
      const unknown = Object.keys(service.environment ?? {}).filter((key) => !SETTING_NAMES.includes(key));
      expect([name, unknown]).toEqual([name, []]);
      expect([name, service.env_file]).toEqual([name, '.env']);
      for (const secret of ['REGISTRY_TOKEN', 'INTERNAL_TOKEN_SECRET']) expect(service.environment?.[secret]).toBeUndefined();
    }
  });

  it('starts each service once what it needs is healthy, checking health with the image’s command', () => {
    const needs = (name: string) => Object.entries(services[name]?.depends_on ?? {});
    expect(needs('migrate')).toEqual([['postgres', { condition: 'service_healthy' }]]);
    for (const name of ['registry', 'orders', 'returns', 'refunds', 'inventory']) {
      expect(services[name]?.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
    }
    expect(services.inventory?.depends_on?.orders).toEqual({ condition: 'service_healthy' });
    for (const gateway of ['gateway-1', 'gateway-2']) {
      for (const dependency of ['redis', 'registry', 'orders', 'returns', 'refunds', 'inventory']) {
        expect(services[gateway]?.depends_on?.[dependency]).toEqual({ condition: 'service_healthy' });
      }
    }
    for (const [name, service] of apps.filter(([name]) => name !== 'migrate')) {
      expect([name, service.healthcheck?.test]).toEqual([name, ['CMD', 'node', 'dist/app/healthcheck.js']]);
    }
    expect(services['gateway-1']?.ports).toEqual(['4000:4000']);
    expect(services['gateway-2']?.ports).toEqual(['4010:4000']);
  });

  it('.env.example names only known settings (commented ones too) and holds no secret value', () => {
    const lines = read('.env.example').split('\n');
    const assignments = lines.map((line) => /^#?\s*([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())).filter((match) => match !== null);
    expect(assignments.length).toBeGreaterThan(10);
    const unknown = assignments.map((match) => match[1]!).filter((name) => !SETTING_NAMES.includes(name) && !COMPOSE_ONLY.includes(name));
    expect(unknown).toEqual([]);
    const values = Object.fromEntries(assignments.filter((match) => !match[0].startsWith('#')).map((match) => [match[1]!, match[2]!]));
    for (const secret of ['POSTGRES_PASSWORD', 'REGISTRY_TOKEN', 'INTERNAL_TOKEN_SECRET']) expect([secret, values[secret]]).toEqual([secret, '']);
  });
});

/** The production sources `tsconfig.build.json` compiles (its include, less tests, test kits and what it excludes by name). */
function productionSources(): string[] {
  const config = JSON.parse(read('tsconfig.build.json')) as { include: string[]; exclude: string[] };
  const excludedFiles = new Set(config.exclude.filter((entry) => entry.endsWith('.ts') && !entry.includes('*')));
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!['testing', 'node_modules', 'generated-fixtures'].includes(entry.name)) walk(file);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !excludedFiles.has(file)) found.push(file);
    }
  };
  for (const root of config.include) walk(root);
  return found;
}

/** The packages a file imports for values (type-only imports vanish from the JavaScript). */
function importedPackages(file: string): string[] {
  const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.ES2022);
  const packages: string[] = [];
  const visit = (node: ts.Node) => {
    let specifier: ts.Expression | undefined;
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) specifier = node.moduleSpecifier;
    else if (ts.isExportDeclaration(node) && !node.isTypeOnly) specifier = node.moduleSpecifier;
    else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      specifier = node.arguments[0];
    }
    if (specifier && ts.isStringLiteral(specifier) && !specifier.text.startsWith('.') && !specifier.text.startsWith('node:')) {
      const parts = specifier.text.split('/');
      packages.push(specifier.text.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return packages;
}

describe('the compiled build’s dependencies', () => {
  it('imports only production dependencies: the image installs no dev dependency', () => {
    const manifest = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const sources = productionSources();
    expect(sources.length).toBeGreaterThan(100);
    const missing = sources.flatMap((file) =>
      importedPackages(file)
        .filter((name) => !(name in manifest.dependencies))
        .map((name) => `${file}: ${name}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('the compiled build’s assets and migrations', () => {
  const assets = new Set(listAssets(ROOT));

  it('copies every migration the services apply, each subgraph’s SDL and the files read by path', () => {
    for (const set of ALL_MIGRATIONS) {
      for (const dir of Array.isArray(set.dir) ? set.dir : [set.dir]) {
        for (const file of readdirSync(dir).filter((name) => name.endsWith('.sql'))) {
          expect(assets).toContain(path.relative(ROOT, path.join(dir, file)));
        }
      }
    }
    for (const subgraph of ['orders', 'returns', 'inventory', 'refunds']) expect(assets).toContain(`subgraphs/${subgraph}/schema.graphql`);
    expect(assets).toContain('platform/events/ops-schema.graphql');
    expect(assets).toContain('subgraphs/returns/policy/default-policy.json');
    expect([...assets].filter((asset) => /(^|\/)testing\/|\.test\./.test(asset))).toEqual([]);
  });

  it('migrates every service’s schemas once, registry first, as the services would at start', () => {
    expect(deploymentMigrations({ mode: 'simulated' }).map((set) => set.schema)).toEqual([
      'registry',
      'orders',
      'returns',
      'inventory',
      'erp',
      'erp_limiter',
      'refunds',
      'payments_sim',
      'store_credit',
    ]);
    const withAdyen = deploymentMigrations({ mode: 'stripe,adyen' }).map((set) => set.schema);
    expect(withAdyen).toContain('adyen');
    expect(withAdyen).not.toContain('payments_sim');
  });
});
