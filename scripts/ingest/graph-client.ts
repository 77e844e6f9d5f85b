/**
 * The GraphQL client the import and backfill commands call the gateway with. A GraphQL error or a
 * userError is an answer (the row failed); only a transport failure (the gateway unreachable, a
 * 5xx, a body that is not GraphQL) throws, and the commands stop there so `--resume` can continue.
 */

/** One error of a GraphQL response, as the gateway masks it. */
export interface GraphError {
  message: string;
  extensions?: { code?: string; argument?: string };
}

/** A GraphQL response: data, errors or both. */
export interface GraphResult<T> {
  data?: T | null;
  errors?: GraphError[];
}

/** Sends one operation; throws `GraphTransportError` only when no GraphQL answer came back. */
export interface GraphClient {
  request<T>(query: string, variables: Record<string, unknown>): Promise<GraphResult<T>>;
}

/** The gateway could not be reached or did not answer with GraphQL: nothing is known about the row. */
export class GraphTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphTransportError';
  }
}

/** How long one call may take: a recordOrder of 1,000 lines on a loaded gateway is well under it. */
const REQUEST_TIMEOUT_MS = 30_000;

/** A client for the gateway at `url` calling with the bearer `token`. */
export function httpGraphClient(url: string, token: string): GraphClient {
  return {
    async request<T>(query: string, variables: Record<string, unknown>): Promise<GraphResult<T>> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
      } catch (error) {
        throw new GraphTransportError(`${url}: ${(error as Error).message}`);
      }
      // 400 carries GraphQL errors (validation, BAD_USER_INPUT); 401 and 5xx are the deployment's problem, not a row's.
      if (response.status === 401) throw new GraphTransportError(`${url}: 401 — the token was refused (UNAUTHENTICATED)`);
      if (response.status >= 500) throw new GraphTransportError(`${url}: HTTP ${response.status}`);
      try {
        return (await response.json()) as GraphResult<T>;
      } catch {
        throw new GraphTransportError(`${url}: HTTP ${response.status} without a GraphQL body`);
      }
    },
  };
}
