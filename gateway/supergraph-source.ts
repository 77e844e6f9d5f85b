import { setTimeout as sleep } from 'node:timers/promises';
import type { SupergraphManager, SupergraphSdlHook } from '@apollo/gateway';
import { parse } from 'graphql';
import { z } from 'zod';
import type { Logger } from 'pino';
import { backoffDelay, type BackoffSchedule } from '../platform/backoff';
import { streamDefinition, type StreamDefinition } from '../platform/events/streams';

/** The hooks Apollo Gateway hands a supergraph manager (`update`, `healthCheck`, `getDataSource`). */
type SupergraphSdlHookOptions = Parameters<SupergraphSdlHook>[0];

/**
 * How often the gateway asks the registry for a newer supergraph. Ten seconds keeps a schema
 * rollout visible within moments while costing the registry one conditional GET (a 304) per
 * gateway instance every ten seconds.
 */
export const DEFAULT_POLL_INTERVAL_MS = 10_000;
/**
 * How long start-up waits for the first supergraph. The registry composes seconds after the
 * subgraphs publish; a minute covers a cold start of every service, and past that a supervisor
 * restarting the gateway tells operators more than a gateway waiting forever.
 */
export const STARTUP_TIMEOUT_MS = 60_000;
/**
 * Waits between start-up attempts: the first short, because in the embedded default the registry is
 * moments away; the longest 2 s, so a registry that comes up late is noticed within seconds.
 */
export const STARTUP_RETRY: BackoffSchedule = { baseDelayMs: 100, maxDelayMs: 2_000 };
/** One registry request; a registry slower than this counts as down, and the last good supergraph stays. */
export const REGISTRY_REQUEST_TIMEOUT_MS = 5_000;

/** The registry's `GET /supergraph` body. */
const supergraphBody = z.object({
  version: z.number().int().positive(),
  supergraphSdl: z.string().min(1),
  /** The subscription streams the subgraphs published with their SDL; none from a registry that keeps none. */
  streams: z.array(streamDefinition).default([]),
  createdAt: z.string(),
});

/** Where the source is in its life; a union, so impossible combinations cannot be represented. */
export type SupergraphPhase = 'waiting' | 'loaded' | 'failed' | 'stopped';

/** What /readyz and logs show about the supergraph the gateway serves. */
export interface SupergraphState {
  phase: SupergraphPhase;
  /** Registry version being served; null until the first supergraph is loaded. */
  version: number | null;
  /** When the served version was loaded. */
  loadedAt: Date | null;
  /** When the registry was last asked (successfully or not). */
  lastPollAt: Date | null;
  /** The most recent failure to fetch or apply a supergraph; cleared by the next success. */
  lastError: { message: string; at: Date } | null;
}

/** Options of `RegistrySupergraphSource`. */
export interface RegistrySupergraphSourceOptions {
  /** Base URL of the schema registry; the source reads `{registryUrl}/supergraph`. */
  registryUrl: string;
  /**
   * The registry token, sent as `Authorization: Bearer` with every poll: the registry answers
   * reads only to holders, since the supergraph names every subgraph's routing URL.
   */
  token?: string;
  /** Poll interval; default `DEFAULT_POLL_INTERVAL_MS`. */
  pollIntervalMs?: number;
  /** Start-up bound; default `STARTUP_TIMEOUT_MS`. */
  startupTimeoutMs?: number;
  log: Logger;
}

type FetchOutcome =
  { kind: 'new'; version: number; etag: string; supergraphSdl: string; streams: StreamDefinition[] } | { kind: 'unchanged' } | { kind: 'none' };

/**
 * Supplies Apollo Gateway with the supergraph from the schema registry
 * (`new ApolloGateway({ supergraphSdl: source })`): waits for the first one at start-up, then polls
 * with `If-None-Match` and hot-reloads each new version. A registry that is down or answers
 * garbage never takes the graph down: the last good supergraph keeps serving and the failure is
 * logged and recorded in `state`.
 */
export class RegistrySupergraphSource implements SupergraphManager {
  private readonly url: string;
  private readonly pollIntervalMs: number;
  private readonly startupTimeoutMs: number;
  private readonly log: Logger;
  private readonly token: string | undefined;
  private current: SupergraphState = { phase: 'waiting', version: null, loadedAt: null, lastPollAt: null, lastError: null };
  /** ETag of the last version seen, applied or refused; a refused version is not retried every poll. */
  private etag: string | undefined;
  /** A version the gateway refused; its error stays recorded until the registry publishes another. */
  private refusedVersion: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  /** The streams of the version being served, by `Subscription` field; replaced only with the supergraph. */
  private streams: ReadonlyMap<string, StreamDefinition> = new Map();

  constructor(options: RegistrySupergraphSourceOptions) {
    const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    if (!Number.isInteger(pollIntervalMs) || pollIntervalMs <= 0) {
      throw new Error(`pollIntervalMs must be a positive integer of milliseconds, but got: ${String(pollIntervalMs)}`);
    }
    this.url = `${options.registryUrl.replace(/\/+$/, '')}/supergraph`;
    this.pollIntervalMs = pollIntervalMs;
    this.startupTimeoutMs = options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS;
    this.log = options.log;
    this.token = options.token;
  }

  /** A snapshot of the source's state. */
  get state(): SupergraphState {
    return { ...this.current };
  }

  /** The stream serving `Subscription.<field>` in the supergraph being served, if any. */
  stream(field: string): StreamDefinition | undefined {
    return this.streams.get(field);
  }

  /** Called by Apollo Gateway on load: resolves with the first supergraph, then polls for newer ones. */
  async initialize({ update }: SupergraphSdlHookOptions): Promise<{ supergraphSdl: string; cleanup: () => Promise<void> }> {
    const first = await this.waitForFirst();
    this.etag = first.etag;
    this.streams = byField(first.streams);
    this.current = { ...this.current, phase: 'loaded', version: first.version, loadedAt: new Date(), lastError: null };
    this.log.info({ version: first.version }, 'supergraph loaded');
    this.schedule(update);
    return { supergraphSdl: first.supergraphSdl, cleanup: async () => this.stop() };
  }

  /** Stops polling and abandons a start-up still waiting; idempotent. */
  stop(): void {
    if (this.current.phase === 'stopped') return;
    this.current = { ...this.current, phase: 'stopped' };
    clearTimeout(this.timer);
    this.abort.abort();
  }

  private async waitForFirst(): Promise<Extract<FetchOutcome, { kind: 'new' }>> {
    const deadline = Date.now() + this.startupTimeoutMs;
    for (let failed = 1; ; failed++) {
      if (this.current.phase === 'stopped') throw new Error('The supergraph source was stopped before a supergraph was loaded.');
      try {
        const outcome = await this.fetchSupergraph();
        if (outcome.kind === 'new') return outcome;
        this.recordError(new Error(`The registry at ${this.url} has no composed supergraph yet.`), 'debug');
      } catch (error) {
        this.recordError(error, 'warn');
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        this.current = { ...this.current, phase: 'failed' };
        throw new Error(`No supergraph from ${this.url} within ${this.startupTimeoutMs} ms; last error: ${this.current.lastError?.message ?? 'none'}`);
      }
      // The last wait is cut short so the final attempt lands on the deadline, not past it.
      await sleep(Math.min(backoffDelay(STARTUP_RETRY, failed), remaining), undefined, { signal: this.abort.signal }).catch(() => undefined);
    }
  }

  private schedule(update: SupergraphSdlHookOptions['update']): void {
    if (this.current.phase === 'stopped') return;
    this.timer = setTimeout(() => {
      void this.poll(update).finally(() => this.schedule(update));
    }, this.pollIntervalMs);
    // Polling alone must not keep a process alive that is otherwise shutting down.
    this.timer.unref();
  }

  /** One poll: a new version is applied; any failure leaves the served supergraph as it is. */
  private async poll(update: SupergraphSdlHookOptions['update']): Promise<void> {
    let outcome: FetchOutcome;
    try {
      outcome = await this.fetchSupergraph();
    } catch (error) {
      if (this.current.phase !== 'stopped') this.recordError(error, 'warn');
      return;
    }
    if (this.current.phase === 'stopped') return;
    if (outcome.kind === 'unchanged') {
      // The registry answers again: an outage is over, but a refused version still needs attention.
      if (this.refusedVersion === undefined && this.current.lastError) this.current = { ...this.current, lastError: null };
      return;
    }
    if (outcome.kind === 'none') {
      this.recordError(new Error(`The registry at ${this.url} reports no supergraph; keeping version ${this.current.version}.`), 'warn');
      return;
    }
    this.etag = outcome.etag;
    try {
      update(outcome.supergraphSdl);
    } catch (error) {
      this.refusedVersion = outcome.version;
      this.recordError(new Error(`Supergraph version ${outcome.version} was refused: ${messageOf(error)}`), 'warn');
      return;
    }
    this.refusedVersion = undefined;
    this.streams = byField(outcome.streams);
    this.log.info({ from: this.current.version, to: outcome.version }, 'supergraph updated');
    this.current = { ...this.current, version: outcome.version, loadedAt: new Date(), lastError: null };
  }

  private async fetchSupergraph(): Promise<FetchOutcome> {
    const response = await this.requestSupergraph();
    if (response.status !== 200) {
      await response.body?.cancel();
      if (response.status === 304) return { kind: 'unchanged' };
      if (response.status === 404) return { kind: 'none' };
      throw new Error(`The registry answered ${response.status} for ${this.url}.`);
    }
    const document = await this.readSupergraph(response);
    const etag = response.headers.get('etag') ?? `"${document.version}"`;
    if (this.current.version !== null && document.version === this.current.version) return { kind: 'unchanged' };
    return { kind: 'new', version: document.version, etag, supergraphSdl: document.supergraphSdl, streams: document.streams };
  }

  /** GETs the supergraph, conditionally on the last ETag; every attempt counts as a poll. */
  private async requestSupergraph(): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.etag) headers['if-none-match'] = this.etag;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(REGISTRY_REQUEST_TIMEOUT_MS)]);
    try {
      return await fetch(this.url, { headers, signal });
    } finally {
      this.current = { ...this.current, lastPollAt: new Date() };
    }
  }

  /** The body of a 200: a supergraph document whose SDL parses, or an error naming what is wrong. */
  private async readSupergraph(response: Response): Promise<z.infer<typeof supergraphBody>> {
    const parsed = supergraphBody.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new Error(`The registry at ${this.url} answered a body that is not a supergraph document.`);
    try {
      parse(parsed.data.supergraphSdl);
    } catch (error) {
      throw new Error(`Supergraph version ${parsed.data.version} is not valid GraphQL: ${messageOf(error)}`);
    }
    return parsed.data;
  }

  private recordError(error: unknown, level: 'warn' | 'debug'): void {
    const message = messageOf(error);
    this.current = { ...this.current, lastError: { message, at: new Date() } };
    const what = this.current.version === null ? 'no supergraph yet' : 'supergraph poll failed; serving the last good supergraph';
    this.log[level]({ version: this.current.version, error: message }, what);
  }
}

function byField(streams: readonly StreamDefinition[]): ReadonlyMap<string, StreamDefinition> {
  return new Map(streams.map((stream) => [stream.field, stream]));
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
