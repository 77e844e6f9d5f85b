import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';

/**
 * The second half of `npm run build`: tsc emits only JavaScript, but the compiled services read
 * some files by path at run time — each subgraph's `schema.graphql`, the event operations' SDL,
 * every migration's `.sql`, the default return policy's `.json` — and the operations console's
 * browser sources are bundled by esbuild when the process starts. This copies them beside the
 * emitted JavaScript so `dist/` runs without the source tree. Compiled with the rest
 * (`node dist/scripts/copy-assets.js`), so the build needs no TypeScript runner.
 */

/** The folders `tsconfig.build.json` compiles, plus the console's browser sources if present. */
export const ASSET_ROOTS = ['app', 'contracts', 'demo', 'platform', 'connectors', 'gateway', 'schema-registry', 'subgraphs', 'scripts', 'console'];

/** What is read by path at run time (SDL, SQL, JSON), and browser sources esbuild bundles at start. */
export const ASSET_EXTENSIONS = new Set(['.graphql', '.sql', '.json', '.tsx', '.css', '.html', '.svg']);

/** Test kits, fixtures and generated output are not part of the running product. */
const SKIPPED_DIRS = new Set(['testing', 'fixtures', 'node_modules', 'dist', '.data']);

/** Every asset under `root` (relative paths), in a stable order. */
export function listAssets(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (ASSET_EXTENSIONS.has(extname(entry.name)) && !/\.test\./.test(entry.name)) {
        found.push(relative(root, path));
      }
    }
  };
  for (const top of ASSET_ROOTS) if (existsSync(join(root, top))) walk(join(root, top));
  return found.sort();
}

/** Copies every asset of `root` to the same relative path under `outDir`; returns how many. */
export function copyAssets(root: string, outDir: string): number {
  const assets = listAssets(root);
  for (const asset of assets) {
    const target = join(outDir, asset);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, asset), target);
  }
  return assets.length;
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? '.');
  const outDir = resolve(process.argv[3] ?? 'dist');
  const count = copyAssets(root, outDir);
  process.stdout.write(`copied ${count} run-time assets to ${relative(root, outDir) || '.'}\n`);
}
