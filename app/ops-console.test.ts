import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listen, router, type RunningServer } from '../platform/http/server';
import { OPS_CONSOLE_CSP, buildOpsConsole, consoleSourceDir, opsConsoleRoutes } from './ops-console';

/** Every source file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : [path];
  });
}

describe('the operations console bundle and routes', () => {
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('renders through components only: no HTML strings put into the DOM anywhere in console/', () => {
    for (const file of sources(consoleSourceDir()).filter((path) => /\.(ts|tsx)$/.test(path))) {
      expect([file, /innerHTML|outerHTML|insertAdjacentHTML|document\.write|dangerouslySetInnerHTML/.test(readFileSync(file, 'utf8'))]).toEqual([file, false]);
    }
  });

  it('bundles console/ into one script and one stylesheet (uPlot styles included)', async () => {
    const bundle = await buildOpsConsole();
    expect(bundle.js.length).toBeGreaterThan(10_000);
    expect(bundle.css).toContain('.uplot');
  });

  it('answers GET and HEAD with the security headers, refuses other methods, and says so when the sources are missing', async () => {
    server = await listen(
      router({
        ...opsConsoleRoutes(),
        ...Object.fromEntries(Object.entries(opsConsoleRoutes({ sourceDir: '/nonexistent' })).map(([path, route]) => [`/broken${path}`, route])),
      }),
      0,
    );
    const head = await fetch(`${server.url}/ops/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(OPS_CONSOLE_CSP);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${server.url}/ops`, { method: 'DELETE' })).status).toBe(405);
    const broken = await fetch(`${server.url}/broken/ops/app.js`);
    expect(broken.status).toBe(500);
    expect(await broken.text()).toMatch(/could not be built/);
  });
});
