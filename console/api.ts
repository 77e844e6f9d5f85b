import { createClient, type Client } from 'graphql-ws';

/** One GraphQL error as the gateway answers it. */
export interface GraphQLErrorShape {
  message: string;
  extensions?: { code?: string };
}

/** The token was refused (401 / UNAUTHENTICATED): the console goes back to sign-in. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
}

/** The gateway answered with errors; `code` is the first error's `extensions.code`. */
export class GraphQLFailure extends Error {
  override readonly name = 'GraphQLFailure';
  readonly code: string | undefined;
  constructor(readonly errors: GraphQLErrorShape[]) {
    super(errors.map((error) => error.message).join('; ') || 'The gateway answered with an error');
    this.code = errors[0]?.extensions?.code;
  }
}

/** The public GraphQL endpoint, on the origin that served the console. */
export const GRAPHQL_PATH = '/graphql';

/**
 * POSTs one operation with the token as Bearer. Resolves to `data` when there are no errors;
 * rejects with `AuthError` when the token is refused and `GraphQLFailure` otherwise.
 */
export async function gql<T>(token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(GRAPHQL_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  let body: { data?: T; errors?: GraphQLErrorShape[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new GraphQLFailure([{ message: `The gateway answered HTTP ${response.status} without a GraphQL body` }]);
  }
  const errors = body.errors ?? [];
  if (response.status === 401 || errors.some((error) => error.extensions?.code === 'UNAUTHENTICATED')) {
    throw new AuthError(errors[0]?.message ?? 'The token was refused');
  }
  if (errors.length > 0) throw new GraphQLFailure(errors);
  if (body.data === undefined) throw new GraphQLFailure([{ message: `The gateway answered HTTP ${response.status} without data` }]);
  return body.data;
}

/** A graphql-ws client on this origin's `/graphql`, authenticated like the HTTP calls. */
export function subscriptionClient(token: string, onAuthFailure: (message: string) => void): Client {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return createClient({
    url: `${scheme}//${window.location.host}${GRAPHQL_PATH}`,
    connectionParams: { authorization: `Bearer ${token}` },
    // Reconnect after network blips, but not after the server refused the token (4401/4403).
    retryAttempts: 5,
    shouldRetry: (event) => !(event instanceof CloseEvent && (event.code === 4401 || event.code === 4403)),
    on: {
      closed: (event) => {
        if (event instanceof CloseEvent && event.code === 4401) onAuthFailure('The gateway refused the token for live updates');
      },
    },
  });
}

/**
 * Subscribes to `query`, calling `onNext` for every update; returns the unsubscribe function.
 * Errors are reported, not thrown: a live feed that stops is shown, the rest of the page works on.
 */
export function subscribe(client: Client, query: string, onNext: () => void, onError: (message: string) => void): () => void {
  return client.subscribe(
    { query },
    {
      next: (result) => {
        if (result.errors?.length) onError(result.errors.map((error) => error.message).join('; '));
        else onNext();
      },
      error: (error) => onError(error instanceof Error ? error.message : error instanceof CloseEvent ? `closed (${error.code})` : 'subscription failed'),
      complete: () => undefined,
    },
  );
}

/** A fresh idempotency key for one action a person takes (a retry of the same click sends a new one). */
export const idempotencyKey = (): string => crypto.randomUUID();
