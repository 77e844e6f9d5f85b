import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Agent } from 'undici';

/**
 * Sockets kept open per subgraph origin. Bounds how hard one gateway instance can press a
 * subgraph (and its database pool): past this, requests queue in the gateway instead of opening
 * ever more connections. 64 covers a busy instance's concurrency with room to spare.
 */
export const SUBGRAPH_CONNECTIONS_PER_ORIGIN = 64;

/**
 * How long an idle subgraph socket stays open for reuse. Shorter than the subgraph servers'
 * keep-alive timeout (65 s, platform/http/server.ts) so the gateway always closes first and never
 * writes to a socket the server is closing.
 */
export const SUBGRAPH_KEEP_ALIVE_MS = 30_000;

/** Where a subgraph listens, split once per data source so no fetch parses its URL again. */
export interface SubgraphAddress {
  /** `http://host:port` */
  origin: string;
  /** `/graphql` (with any query string) */
  path: string;
}

/** A subgraph's HTTP answer before its body is read. */
export interface SubgraphAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as it arrives; read it to the end or `discardBody` it, or its socket is not reused. */
  body: Readable;
}

/** POSTs to subgraphs over pooled keep-alive connections, and releases them. */
export interface SubgraphFetcher {
  post(address: SubgraphAddress, headers: Record<string, string>, body: string): Promise<SubgraphAnswer>;
  /** Closes every pooled socket; call on shutdown, after the last request. */
  close(): Promise<void>;
}

/** Drops a body unread (its connection closes): the abort it reports is expected, not an error. */
export function discardBody(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Splits a subgraph's routing URL into the origin the pool is keyed by and the request path. */
export function subgraphAddress(url: string): SubgraphAddress {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/**
 * Creates the keep-alive fetcher on undici's dispatcher API (`Agent.request`), not WHATWG `fetch`:
 * a profile of the gateway under load showed `fetch`'s Request/Response objects and web streams as
 * its largest cost, and the gateway needs none of what they add (it reads a status, two headers
 * and a body). Reusing connections matters: a query plan makes several subgraph calls per client
 * request, and a TCP handshake for each would dominate their latency.
 */
export function createSubgraphFetcher(): SubgraphFetcher {
  const agent = new Agent({
    keepAliveTimeout: SUBGRAPH_KEEP_ALIVE_MS,
    connections: SUBGRAPH_CONNECTIONS_PER_ORIGIN,
  });
  let closed = false;
  return {
    async post(address, headers, body) {
      const {
        statusCode,
        headers: answerHeaders,
        body: answerBody,
      } = await agent.request({
        origin: address.origin,
        path: address.path,
        method: 'POST',
        headers,
        body,
      });
      return { status: statusCode, headers: answerHeaders as IncomingHttpHeaders, body: answerBody };
    },
    async close() {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}
