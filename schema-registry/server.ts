import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Db } from '../platform/db';
import { componentLogger } from '../platform/logger';
import { readBody, sendJson } from '../platform/http/apollo-handler';
import { listen, router, type Route, type RunningServer } from '../platform/http/server';
import { metricsRoute } from '../platform/metrics';
import { MIN_PUBLISH_TOKEN_LENGTH, bearerCheck, etagOf, ifNoneMatchCovers } from './http-auth';
import { Messages } from './messages';
import { SchemaRegistry, type PublishResult } from './service';
import { RegistryInputError, assertSubgraphName, parsePublishBody } from './validation';

const log = componentLogger('registry');

/** `publishedBy` recorded when an HTTP publish does not say who it is. */
const DEFAULT_PUBLISHED_BY = 'http-api';

/** Options of `startRegistry`. */
export interface RegistryServerOptions {
  db: Db;
  /** 0 picks a free port (tests); the registry's conventional port is 4005. */
  port: number;
  /**
   * Shared secret every caller sends as `Authorization: Bearer <token>`: publishers, checkers and
   * readers alike (the supergraph names every subgraph's routing URL). At least 16 characters.
   * Only the probes answer without it.
   */
  publishToken: string;
  /** Interface to bind; default loopback (`DEFAULT_LISTEN_HOST`); entry points pass `HOST`. */
  host?: string;
}

/** The HTTP status of each publish outcome: 201 only when something new was stored. */
const STATUS_OF: Record<PublishResult['status'], number> = {
  PUBLISHED: 201,
  UNCHANGED: 200,
  PASSED: 200,
  REJECTED: 422,
};

/** Paths that carry a subgraph name: publish and check. */
const NAMED_ROUTE = /^\/(subgraphs|check)\/([^/]+)$/;

/**
 * Starts the registry's HTTP API: `GET /supergraph` (ETag = version, 304 when unchanged),
 * `POST /subgraphs/<name>`, `POST /check/<name>`, `GET /subgraphs`, `/healthz`, `/readyz`, `/metrics`. Every
 * route but the probes and `/metrics` needs the registry token: reads too, since they show every routing URL.
 */
export async function startRegistry(options: RegistryServerOptions): Promise<RunningServer> {
  if (typeof options.publishToken !== 'string' || options.publishToken.length < MIN_PUBLISH_TOKEN_LENGTH) {
    throw new TypeError(
      `startRegistry needs a publishToken of at least ${MIN_PUBLISH_TOKEN_LENGTH} characters, but got one of length ${String(options.publishToken?.length ?? 0)}`,
    );
  }
  const registry = new SchemaRegistry(options.db);
  const fixed = router({
    '/healthz': method('GET', (_req, res) => sendJson(res, 200, { status: 'ok' })),
    // Open like the probes: no tenant data, and Prometheus scrapes without the registry token.
    '/metrics': metricsRoute,
    '/readyz': method('GET', async (_req, res) => {
      try {
        await options.db.ping();
        sendJson(res, 200, { status: 'ready' });
      } catch {
        sendJson(res, 503, { error: Messages.databaseUnavailable });
      }
    }),
    '/supergraph': method(
      'GET',
      authorized(options.publishToken, (req, res) => serveSupergraph(registry, req, res)),
    ),
    '/subgraphs': method(
      'GET',
      authorized(options.publishToken, async (_req, res) => sendJson(res, 200, { subgraphs: await registry.list() })),
    ),
  });

  const handler: Route = async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const named = NAMED_ROUTE.exec(path);
    try {
      if (!named) {
        await fixed(req, res);
        return;
      }
      // The name is validated as-is: a valid name never needs percent-encoding.
      const [, kind, name = ''] = named;
      await method('POST', (r, s) => publishOrCheck(registry, options.publishToken, name, kind === 'subgraphs', r, s))(req, res);
    } catch (error) {
      // `router` has already answered 500 for its own routes; this only logs and covers ours.
      log.error({ err: error, path }, 'registry request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else if (!res.writableEnded) res.end();
    }
  };
  const running = await listen(handler, options.port, options.host);
  log.info({ url: running.url }, 'schema registry listening');
  return running;
}

/** GET /supergraph: the exact shape the gateway polls. */
async function serveSupergraph(registry: SchemaRegistry, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const version = await registry.currentVersion();
  if (version === null) {
    sendJson(res, 404, { error: Messages.noSupergraph });
    return;
  }
  // Answer an up-to-date gateway without reading the SDL: most polls end here.
  if (ifNoneMatchCovers(req, etagOf(version))) {
    res.writeHead(304, { etag: etagOf(version), 'cache-control': 'no-cache' });
    res.end();
    return;
  }
  const current = await registry.current();
  if (!current) {
    sendJson(res, 404, { error: Messages.noSupergraph });
    return;
  }
  sendJson(
    res,
    200,
    { version: current.version, supergraphSdl: current.supergraphSdl, streams: current.streams, createdAt: current.createdAt.toISOString() },
    { etag: etagOf(current.version), 'cache-control': 'no-cache' },
  );
}

/** POST /subgraphs/<name> (publish, `write`) and POST /check/<name> (never writes). */
async function publishOrCheck(registry: SchemaRegistry, token: string, name: string, write: boolean, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!admitted(req, res, token)) return;
  let text: string;
  try {
    text = await readBody(req);
  } catch (error) {
    const status = (error as { status?: number }).status ?? 400;
    sendJson(res, status, { error: status === 413 ? Messages.bodyTooLarge : Messages.badJson });
    return;
  }
  try {
    assertSubgraphName(name);
    const body = parsePublishBody(parseJson(text));
    const input = { name, url: body.url, sdl: body.sdl, metadata: body.metadata, force: body.force, publishedBy: body.publishedBy ?? DEFAULT_PUBLISHED_BY };
    const result = write ? await registry.publish({ ...input, dryRun: body.dryRun }) : await registry.check(input);
    sendJson(res, STATUS_OF[result.status], result);
  } catch (error) {
    if (!(error instanceof RegistryInputError)) throw error;
    sendJson(res, 400, { error: error.message });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new RegistryInputError(Messages.badJson);
  }
}

/** Runs `route` only for a caller holding the registry token. */
function authorized(token: string, route: Route): Route {
  return async (req, res) => {
    if (admitted(req, res, token)) await route(req, res);
  };
}

/** True for the right bearer token; otherwise answers 401 (saying nothing else) and returns false. */
function admitted(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  const verdict = bearerCheck(req, token);
  if (verdict === 'valid') return true;
  sendJson(res, 401, { error: verdict === 'missing' ? Messages.missingToken : Messages.invalidToken }, { 'www-authenticate': 'Bearer' });
  return false;
}

/** Answers 405 to any other method, so a mistaken GET never falls through to a write. */
function method(allowed: 'GET' | 'POST', route: Route): Route {
  return async (req, res) => {
    if ((req.method ?? 'GET').toUpperCase() !== allowed) {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      sendJson(res, 405, { error: Messages.methodNotAllowed(req.method ?? '?', path) }, { allow: allowed });
      return;
    }
    await route(req, res);
  };
}
