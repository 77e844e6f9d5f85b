import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendJson } from './apollo-handler';

/** A request handler for one path. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * Keep-alive idle time for client connections: longer than the gateway fetcher's own idle time,
 * so the server never closes a socket the gateway is about to reuse.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/**
 * Where servers listen unless told otherwise: loopback, so nothing is reachable from the network
 * by accident. Entry points pass `HOST` (app/config.ts) to listen elsewhere.
 */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

/** A listening HTTP server and how to stop it. */
export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Routes by exact path; anything else is a 404 with a JSON body. */
export function router(routes: Record<string, Route>): Route {
  return async (req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    if (!route) {
      sendJson(res, 404, { error: `No route for ${path}` });
      return;
    }
    try {
      await route(req, res);
    } catch (error) {
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.end();
      throw error;
    }
  };
}

/** Starts listening on `port` (0 picks a free one) on loopback unless `host` says otherwise. */
export async function listen(handler: Route, port: number, host = DEFAULT_LISTEN_HOST): Promise<RunningServer> {
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch(() => undefined);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
