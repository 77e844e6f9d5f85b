import { Agent, fetch } from 'undici';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

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

/** A `fetch` for subgraph calls over pooled keep-alive connections, and how to release them. */
export interface SubgraphFetcher {
  /** Passed as `fetcher` to `RemoteGraphQLDataSource`. */
  fetch: RemoteGraphQLDataSource['fetcher'];
  /** Closes every pooled socket; call on shutdown, after the last request. */
  close(): Promise<void>;
}

/**
 * Creates the keep-alive fetcher. Reusing connections matters: a query plan makes several
 * subgraph calls per client request, and a TCP handshake for each would dominate their latency.
 */
export function createSubgraphFetcher(): SubgraphFetcher {
  const agent = new Agent({
    keepAliveTimeout: SUBGRAPH_KEEP_ALIVE_MS,
    connections: SUBGRAPH_CONNECTIONS_PER_ORIGIN,
  });
  let closed = false;
  return {
    // undici's Response satisfies the gateway's FetcherResponse shape; the types differ only in
    // nominal details (Headers class, clone's return type).
    fetch: ((url: string, init?: Parameters<RemoteGraphQLDataSource['fetcher']>[1]) =>
      fetch(url, { ...init, dispatcher: agent })) as unknown as RemoteGraphQLDataSource['fetcher'],
    async close() {
      if (closed) return;
      closed = true;
      await agent.close();
    },
  };
}
