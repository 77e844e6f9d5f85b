import type { Principal } from '../platform/auth';

/**
 * Merges identical subgraph fetches that are in flight at the same time: the first starts the
 * fetch, the others wait for its outcome instead of sending their own. Nothing is kept once the
 * flight settles, so this is never a cache: a fetch that starts after it reaches the subgraph again.
 *
 * The key must hold everything that can change the answer (gateway/data-source.ts builds it:
 * subgraph, operation text and variables, the principal, the response budget). The flight's
 * outcome is shared by every waiter, so it must be something no waiter can change for another:
 * the data source shares the body's bytes, and each waiter parses its own copy.
 */
export class FetchMerger<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** The outcome of the flight under `key`: joined if one is in flight (`merged`), else started with `start`. */
  run(key: string, start: () => Promise<T>): { outcome: Promise<T>; merged: boolean } {
    const inFlight = this.flights.get(key);
    if (inFlight) return { outcome: inFlight, merged: true };
    const flight = (async () => {
      try {
        return await start();
      } finally {
        this.flights.delete(key);
      }
    })();
    this.flights.set(key, flight);
    return { outcome: flight, merged: false };
  }

  /** Flights in progress (tests). */
  get size(): number {
    return this.flights.size;
  }
}

/**
 * JSON with object keys sorted at every level, so equal values serialise equally whatever order
 * their keys were built in. The data source sends this text as the request body too, so a
 * mergeable fetch is serialised once.
 */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : stableJson(item))).join(',')}]`;
  const entries: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function') continue;
    entries.push(`${JSON.stringify(key)}:${stableJson(item)}`);
  }
  return `{${entries.join(',')}}`;
}

/**
 * Who a fetch is made for, as far as a subgraph's answer can depend on it: every field of the
 * verified principal. The signed internal token is not the key: it is signed per client request,
 * so two requests of one principal carry different tokens yet get the same answer.
 */
export function principalKey(principal: Principal): string {
  return stableJson(principal);
}
