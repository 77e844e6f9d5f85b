import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * graphql-ws clients for the subscription tests and the bench: one connection (several
 * subscriptions may share it), each subscription collecting what it receives so a test can wait for
 * a number of updates and then inspect all of them.
 */

/** How long a test waits for an expected update before failing: updates take tens of milliseconds. */
export const UPDATE_WAIT_MS = 10_000;
/** Poll interval of `waitUntil`. */
const POLL_MS = 20;

/** One GraphQL error as graphql-ws delivers it. */
export interface WsError {
  message: string;
  extensions?: Record<string, unknown>;
}

/** A running subscription and everything it received. */
export interface Subscription<T> {
  /** Each `data` payload, in arrival order. */
  updates: T[];
  /** Errors the server sent (validation, execution) for this subscription. */
  errors: WsError[];
  /** True once the server completed it or it failed. */
  finished: boolean;
  /** Resolves when the subscription has received at least `count` updates; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<T[]>;
  /** Resolves when the server completed the subscription or it ended in errors. */
  ended(timeoutMs?: number): Promise<void>;
  /** Unsubscribes (a `complete` message to the server). */
  unsubscribe(): void;
}

/** One graphql-ws connection. */
export interface WsConnection {
  client: Client;
  /** Close code once the socket closed, else undefined. */
  closeCode(): number | undefined;
  /** Resolves with the close code once the socket closes; rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<number>;
  /** Starts a subscription on this connection. */
  subscribe<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Subscription<T>;
  /** Closes the connection (every subscription on it ends). */
  dispose(): Promise<void>;
}

/** Polls `check` until it is true; rejects with `message` after `timeoutMs`. */
export async function waitUntil(check: () => boolean, message: () => string, timeoutMs = UPDATE_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Opens a graphql-ws connection to `url` (ws://host:port/graphql) with `authorization: Bearer
 * <token>` in the connection params (no authorization when `token` is null). Never retries: a
 * closed socket is what several tests assert.
 */
export function connect(url: string, token: string | null): WsConnection {
  let code: number | undefined;
  const client = createClient({
    url,
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    shouldRetry: () => false,
    connectionParams: token === null ? {} : { authorization: `Bearer ${token}` },
    // A non-lazy client reports a failed connection here; the tests read the close code instead.
    onNonLazyError: () => undefined,
  });
  client.on('closed', (event) => {
    code ??= (event as { code?: number }).code ?? -1;
  });
  return {
    client,
    closeCode: () => code,
    async closed(timeoutMs = UPDATE_WAIT_MS) {
      await waitUntil(
        () => code !== undefined,
        () => 'the socket did not close',
        timeoutMs,
      );
      return code as number;
    },
    subscribe<T>(query: string, variables: Record<string, unknown> = {}): Subscription<T> {
      const updates: T[] = [];
      const errors: WsError[] = [];
      const subscription: Subscription<T> = {
        updates,
        errors,
        finished: false,
        async waitFor(count, timeoutMs = UPDATE_WAIT_MS) {
          await waitUntil(
            () => updates.length >= count || (subscription.finished && updates.length < count),
            () => `${updates.length} of ${count} updates; errors ${JSON.stringify(errors)}`,
            timeoutMs,
          );
          if (updates.length < count) throw new Error(`subscription ended with ${updates.length} of ${count} updates; errors ${JSON.stringify(errors)}`);
          return updates;
        },
        async ended(timeoutMs = UPDATE_WAIT_MS) {
          await waitUntil(
            () => subscription.finished,
            () => 'the subscription did not end',
            timeoutMs,
          );
        },
        unsubscribe: () => undefined,
      };
      subscription.unsubscribe = client.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors) errors.push(...(result.errors as unknown as WsError[]));
            if (result.data) updates.push(result.data as T);
          },
          error: (error) => {
            if (Array.isArray(error)) errors.push(...(error as WsError[]));
            else errors.push({ message: String((error as { reason?: string }).reason ?? error) });
            subscription.finished = true;
          },
          complete: () => {
            subscription.finished = true;
          },
        },
      );
      return subscription;
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
