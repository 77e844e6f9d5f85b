import { AsyncLocalStorage } from 'node:async_hooks';
import type { Principal } from './auth/principal';

/** What every line of work in a request knows about the request it belongs to. */
export interface RequestScope {
  /** Travels in `x-correlation-id` to every subgraph, event, audit row and log line. */
  correlationId: string;
  /** The verified caller, absent for unauthenticated probes such as health checks. */
  principal?: Principal;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` visible to everything it calls, however deep or asynchronous. */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** The scope of the request being handled, if any. */
export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}
