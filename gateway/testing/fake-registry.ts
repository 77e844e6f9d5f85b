import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { sendJson } from '../../platform/http/apollo-handler';
import { listen, router, type RunningServer } from '../../platform/http/server';

/** A subgraph as composition needs it. */
export interface ComposableSubgraph {
  name: string;
  sdl: string;
  /** The subgraph's GraphQL endpoint. */
  url: string;
}

/** Composes subgraphs into a supergraph SDL; throws with the composition errors when they do not compose. */
export function composeSupergraph(subgraphs: ComposableSubgraph[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, typeDefs: parse(s.sdl), url: s.url })));
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.supergraphSdl;
}

/**
 * A stand-in for the schema registry speaking exactly its `GET /supergraph` protocol: 404 until
 * something is published, then 200 `{ version, supergraphSdl, createdAt }` with `ETag: "<version>"`,
 * and 304 when `If-None-Match` names the current version. `garbage()` makes it answer 200 with a
 * body that is not a supergraph document.
 */
export interface FakeRegistry {
  url: string;
  /** Serves `supergraphSdl` as the next version; returns that version. */
  publish(supergraphSdl: string): number;
  /** Answers every request with a broken body until `publish` is called again. */
  garbage(): void;
  /** How many `GET /supergraph` requests arrived, and how many were answered 304. */
  requests: { total: number; notModified: number };
  close(): Promise<void>;
}

/** Options of `startFakeRegistry`. */
export interface FakeRegistryOptions {
  /** When set, `GET /supergraph` without `Authorization: Bearer <token>` is answered 401, as the real registry does. */
  token?: string;
}

/** Starts a fake registry on a free port. */
export async function startFakeRegistry(options: FakeRegistryOptions = {}): Promise<FakeRegistry> {
  let current: { version: number; supergraphSdl: string; createdAt: string } | undefined;
  let broken = false;
  const requests = { total: 0, notModified: 0 };
  const running: RunningServer = await listen(
    router({
      '/supergraph': (req, res) => {
        requests.total++;
        if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
          sendJson(res, 401, { error: 'registry token required' });
          return;
        }
        if (broken) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"version": "seven", "supergraphSdl": 42');
          return;
        }
        if (!current) {
          sendJson(res, 404, { error: 'no supergraph composed yet' });
          return;
        }
        const etag = `"${current.version}"`;
        if (req.headers['if-none-match'] === etag) {
          requests.notModified++;
          res.writeHead(304, { etag });
          res.end();
          return;
        }
        sendJson(res, 200, current, { etag });
      },
    }),
    0,
  );
  return {
    url: running.url,
    requests,
    publish(supergraphSdl) {
      broken = false;
      const version = (current?.version ?? 0) + 1;
      current = { version, supergraphSdl, createdAt: new Date().toISOString() };
      return version;
    },
    garbage() {
      broken = true;
    },
    close: () => running.close(),
  };
}
