import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { build } from 'esbuild';
import type { Route } from '../platform/http/server';
import { componentLogger } from '../platform/logger';

const log = componentLogger('ops-console');

/** Where the operations console is served; every asset path is registered, as the router matches exact paths. */
export const OPS_CONSOLE_PATH = '/ops';

/**
 * The console's content security policy: scripts, styles and connections from this origin only, no
 * inline script, no framing. 'self' covers the graphql-ws WebSocket to this origin's `/graphql` too
 * (CSP level 3 matches ws:/wss: of the same host), so no other host can be reached.
 */
export const OPS_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The bundled console: one script and one stylesheet. */
export interface OpsConsoleBundle {
  js: string;
  css: string;
}

/**
 * Finds the console's sources: beside app/ when run from the repository (tsx), one level further
 * up when run compiled from a build folder (e.g. dist/app/ops-console.js next to ./console).
 */
export function consoleSourceDir(): string {
  const candidates = [join(__dirname, '..', 'console'), join(__dirname, '..', '..', 'console'), join(process.cwd(), 'console')];
  const found = candidates.find((dir) => existsSync(join(dir, 'main.tsx')));
  if (!found) throw new Error(`The operations console's sources (console/main.tsx) are not in any of: ${candidates.join(', ')}`);
  return found;
}

/** Bundles console/ (Preact, uPlot, graphql-ws) in memory with esbuild: about a tenth of a second. */
export async function buildOpsConsole(sourceDir = consoleSourceDir()): Promise<OpsConsoleBundle> {
  const result = await build({
    entryPoints: { app: join(sourceDir, 'main.tsx') },
    bundle: true,
    write: false,
    outdir: '/ops-bundle',
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(sourceDir, 'tsconfig.json'),
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: output('.js'), css: output('.css') };
}

/** Headers every console response carries. */
function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, {
    'content-type': contentType,
    'content-security-policy': OPS_CONSOLE_CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    // Tokens are typed into this page: nothing of it belongs in a shared cache.
    'cache-control': 'no-store',
  });
  res.end(body);
}

/** A GET-only route answering with `body()`. */
function asset(contentType: string, body: () => Promise<string>): Route {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      res.end('method not allowed');
      return;
    }
    let text: string;
    try {
      text = await body();
    } catch (error) {
      log.error({ err: error }, 'the operations console could not be built');
      send(res, 500, 'text/plain; charset=utf-8', 'The operations console could not be built; see the gateway log.');
      return;
    }
    send(res, 200, contentType, req.method === 'HEAD' ? '' : text);
  };
}

/** Options of `opsConsoleRoutes`. */
export interface OpsConsoleOptions {
  /** The console's source folder; default `consoleSourceDir()`. */
  sourceDir?: string;
  /** A bundle built beforehand (e.g. at image build); default: built on the first request, once. */
  bundle?: OpsConsoleBundle;
}

/**
 * The console's routes for the gateway's server (`extraRoutes`): the HTML shell at `/ops` (and
 * `/ops/`), its script and its stylesheet. The bundle is built on first use, so processes that never
 * serve the console (tests, most gateways' first seconds) pay nothing for it.
 */
export function opsConsoleRoutes(options: OpsConsoleOptions = {}): Record<string, Route> {
  let bundle: Promise<OpsConsoleBundle> | undefined = options.bundle ? Promise.resolve(options.bundle) : undefined;
  const bundled = (): Promise<OpsConsoleBundle> => {
    bundle ??= buildOpsConsole(options.sourceDir).catch((error: unknown) => {
      bundle = undefined; // a later request tries again
      throw error;
    });
    return bundle;
  };
  let shell: string | undefined;
  const html = async () => (shell ??= readFileSync(join(options.sourceDir ?? consoleSourceDir(), 'index.html'), 'utf8'));
  const page = asset('text/html; charset=utf-8', html);
  return {
    [OPS_CONSOLE_PATH]: page,
    [`${OPS_CONSOLE_PATH}/`]: page,
    [`${OPS_CONSOLE_PATH}/app.js`]: asset('text/javascript; charset=utf-8', async () => (await bundled()).js),
    [`${OPS_CONSOLE_PATH}/app.css`]: asset('text/css; charset=utf-8', async () => (await bundled()).css),
  };
}
