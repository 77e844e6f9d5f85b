/**
 * The one door to a store's GraphQL Admin API, on Shopify's own `@shopify/admin-api-client`.
 * What it adds is the part that must not be improvised per call: rate limits that slow the caller
 * down but never drop a request (cost budget before a query, THROTTLED and 429 answers waited out
 * for as long as they last), bounded retries with backoff for 5xx and network failures, and typed
 * errors for everything else. `userErrors` of a mutation are errors too (`mutate`).
 */
import { createAdminApiClient, type AdminApiClient } from '@shopify/admin-api-client';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffSchedule } from '../../../platform/backoff';
import { componentLogger } from '../../../platform/logger';
import { CostBudget, costOf, type QueryCost } from './shopify-cost-budget';
import { ShopifyApiError, ShopifyUnavailableError, ShopifyUserErrorsError, type ShopifyUserError } from './shopify-errors';

/**
 * The Admin API version every query is written against, pinned: Shopify changes field shapes
 * between quarterly versions and supports each for a year, so moving it is a reviewed change
 * (re-check the queries in `shopify-queries.ts` and the fake's `testing/admin-schema.graphql`).
 */
export const SHOPIFY_API_VERSION = '2026-10';

/**
 * Attempts for one request that fails with a 5xx or a network error, the first included. Five
 * attempts over the backoff below ride out a deploy or a brief outage (about 15 s in all); longer
 * than that the caller's own retry (the event consumer's backoff) is the better place to wait.
 */
export const DEFAULT_SHOPIFY_MAX_ATTEMPTS = 5;

/** Backoff between those attempts: 500 ms doubling, at most 8 s. */
export const SHOPIFY_RETRY_BACKOFF: BackoffSchedule = { baseDelayMs: 500, maxDelayMs: 8_000 };

/** Wait when a 429 carries no usable `Retry-After`: Shopify's REST guidance is to wait a second. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/** Options of `ShopifyClient`. */
export interface ShopifyClientOptions {
  /** The shop's domain, `my-shop.myshopify.com`. Required. */
  storeDomain: string;
  /** An Admin API access token (`shpat_...`) with the scopes in the README. Required. */
  accessToken: string;
  /**
   * Where requests really go, an http(s) origin, e.g. the fake Shopify in tests. The Admin client
   * always builds `https://<storeDomain>/admin/api/<version>/graphql.json`; with `apiBase` the
   * origin is swapped and the path kept. Default: the store itself.
   */
  apiBase?: string;
  /** How the client waits (throttling, backoff). Default: a real timer; tests pass one that does not. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock of the cost budget, in ms. Default `Date.now`. */
  now?: () => number;
  /** Attempts for 5xx/network failures. Default `DEFAULT_SHOPIFY_MAX_ATTEMPTS`. */
  maxAttempts?: number;
  /** Backoff between them. Default `SHOPIFY_RETRY_BACKOFF`. */
  retryBackoff?: BackoffSchedule;
  /** Where waits and retries are logged. Default the `shopify` component logger. */
  logger?: Logger;
}

/** Counters for operations and tests: how often Shopify held the client back. */
export interface ShopifyClientStats {
  /** THROTTLED answers (HTTP 200 with `extensions.code = THROTTLED`). */
  throttled: number;
  /** HTTP 429 answers. */
  rateLimited: number;
  /** 5xx and network failures retried. */
  retried: number;
  /** Every wait, in ms, in order (budget waits, throttle waits, Retry-After, backoff). */
  waits: number[];
}

/** What one attempt came to. */
type Attempt =
  | { kind: 'ok'; data: unknown }
  | { kind: 'wait'; ms: number; why: 'THROTTLED' | '429' }
  | { kind: 'transient'; message: string }
  | { kind: 'fatal'; error: ShopifyApiError };

/** The shape `@shopify/graphql-client` answers `request()` with. */
interface ClientAnswer {
  data?: unknown;
  extensions?: unknown;
  errors?: { networkStatusCode?: number; message?: string; graphQLErrors?: { message: string; extensions?: { code?: string } }[]; response?: Response };
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** `apiBase` as an origin URL, or a TypeError stating the contract and the value. */
function originOf(apiBase: string): URL {
  let url: URL | null = null;
  try {
    url = new URL(apiBase);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/') {
    throw new TypeError(`ShopifyClient apiBase must be an http(s) origin such as "http://127.0.0.1:8080", but got: ${apiBase}`);
  }
  return url;
}

/** A fetch that sends every request to `origin`, keeping path and query (the Admin client forces https on the store domain). */
function fetchVia(origin: URL): typeof fetch {
  return (input, init) => {
    const target = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    target.protocol = origin.protocol;
    target.host = origin.host;
    return fetch(target, init);
  };
}

/** Seconds of a `Retry-After` header as ms; the default when absent or not a number (an HTTP date is not expected from Shopify). */
function retryAfterMs(response: Response | undefined): number {
  const header = response?.headers.get('retry-after');
  const seconds = header === null || header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds * 1000) : DEFAULT_RETRY_AFTER_MS;
}

/** A GraphQL Admin API client for one store. Safe to share; one per store and token. */
export class ShopifyClient {
  /** How often Shopify held this client back; see `ShopifyClientStats`. */
  readonly stats: ShopifyClientStats = { throttled: 0, rateLimited: 0, retried: 0, waits: [] };
  private readonly admin: AdminApiClient;
  private readonly budget: CostBudget;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly retryBackoff: BackoffSchedule;
  private readonly log: Logger;

  constructor(options: ShopifyClientOptions) {
    if (typeof options.storeDomain !== 'string' || !/^[a-z0-9][a-z0-9.-]*$/i.test(options.storeDomain)) {
      throw new TypeError(`ShopifyClient needs storeDomain, a host such as "my-shop.myshopify.com", but got: ${String(options.storeDomain)}`);
    }
    if (typeof options.accessToken !== 'string' || options.accessToken.length < 8) {
      throw new TypeError('ShopifyClient needs accessToken, an Admin API access token (at least 8 characters), but got none or a shorter one');
    }
    this.maxAttempts = options.maxAttempts ?? DEFAULT_SHOPIFY_MAX_ATTEMPTS;
    if (!Number.isSafeInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new TypeError(`ShopifyClient maxAttempts must be an integer >= 1, but got: ${String(options.maxAttempts)}`);
    }
    this.log = options.logger ?? componentLogger('shopify');
    this.sleep = options.sleep ?? realSleep;
    this.retryBackoff = options.retryBackoff ?? SHOPIFY_RETRY_BACKOFF;
    this.budget = new CostBudget(options.now ?? Date.now);
    this.admin = createAdminApiClient({
      storeDomain: options.storeDomain,
      apiVersion: SHOPIFY_API_VERSION,
      accessToken: options.accessToken,
      userAgentPrefix: 'returns-graph',
      // Retries are ours (below): the library's own retry would not read Retry-After or the cost.
      retries: 0,
      ...(options.apiBase !== undefined && { customFetchApi: fetchVia(originOf(options.apiBase)) }),
      // Without a logger the library warns on the console about a version it does not know yet.
      logger: (entry) => this.log.debug({ shopify: entry.type }, 'admin api client'),
    });
  }

  /** Runs a query (or a mutation whose userErrors the caller reads) and answers its `data`. */
  async request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    let failures = 0;
    for (;;) {
      const before = this.budget.waitBefore(query);
      if (before > 0) await this.pause(before, 'budget');
      const attempt = await this.attempt(query, variables);
      if (attempt.kind === 'ok') return attempt.data as T;
      if (attempt.kind === 'fatal') throw attempt.error;
      if (attempt.kind === 'wait') {
        // Throttling is Shopify asking us to slow down, not a failure: wait as long as it takes.
        if (attempt.why === 'THROTTLED') this.stats.throttled += 1;
        else this.stats.rateLimited += 1;
        await this.pause(attempt.ms, attempt.why);
        continue;
      }
      failures += 1;
      if (failures >= this.maxAttempts) throw new ShopifyUnavailableError(`Shopify unavailable after ${failures} attempts: ${attempt.message}`, failures);
      this.stats.retried += 1;
      await this.pause(backoffDelay(this.retryBackoff, failures), `retry after: ${attempt.message}`);
    }
  }

  /**
   * Runs the mutation `name` and answers its payload; its `userErrors`, when any, are thrown as a
   * `ShopifyUserErrorsError` (Shopify changed nothing).
   */
  async mutate<P>(name: string, mutation: string, variables: Record<string, unknown>): Promise<P> {
    const data = await this.request<Record<string, (P & { userErrors?: ShopifyUserError[] }) | null>>(mutation, variables);
    const payload = data[name];
    if (!payload) throw new ShopifyApiError(`Shopify answered ${name} without a payload`, null);
    if (payload.userErrors && payload.userErrors.length > 0) throw new ShopifyUserErrorsError(name, payload.userErrors);
    return payload;
  }

  /** Waits `ms` with the client's sleep, counted in `stats.waits` and logged (bulk polling uses it too). */
  async pause(ms: number, why: string): Promise<void> {
    this.stats.waits.push(ms);
    this.log.info({ waitMs: ms, why }, 'shopify: waiting before the next request');
    await this.sleep(ms);
  }

  private async attempt(query: string, variables: Record<string, unknown>): Promise<Attempt> {
    let answer: ClientAnswer;
    try {
      answer = (await this.admin.request(query, { variables })) as ClientAnswer;
    } catch (error) {
      return { kind: 'transient', message: error instanceof Error ? error.message : String(error) };
    }
    const cost = costOf(answer.extensions);
    this.budget.record(query, cost);
    if (!answer.errors) return { kind: 'ok', data: answer.data };
    return this.classify(answer.errors, cost);
  }

  /** Sorts a failed answer into wait, retry or give up. */
  private classify(errors: NonNullable<ClientAnswer['errors']>, cost: QueryCost | null): Attempt {
    const status = errors.networkStatusCode;
    const graphQLErrors = errors.graphQLErrors ?? [];
    const codes = graphQLErrors.map((e) => e.extensions?.code).filter((code): code is string => typeof code === 'string');
    if (codes.includes('THROTTLED')) return { kind: 'wait', ms: this.budget.waitAfterThrottle(cost), why: 'THROTTLED' };
    if (status === 429) return { kind: 'wait', ms: retryAfterMs(errors.response), why: '429' };
    if (status === undefined || status >= 500 || codes.includes('INTERNAL_SERVER_ERROR')) {
      return { kind: 'transient', message: `${status ?? 'network'}: ${errors.message ?? 'no answer'}` };
    }
    if (graphQLErrors.length > 0) {
      return { kind: 'fatal', error: new ShopifyApiError(`Shopify refused the query: ${graphQLErrors.map((e) => e.message).join('; ')}`, null, codes) };
    }
    if (status === 200) return { kind: 'transient', message: `200 without data: ${errors.message ?? ''}` };
    return { kind: 'fatal', error: new ShopifyApiError(`Shopify answered HTTP ${status}: ${errors.message ?? ''}`, status) };
  }
}
