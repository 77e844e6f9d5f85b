import type { StreamDeclaration, StreamDefinition } from '../platform/events/streams';
import type { PublishResult, SubgraphSummary } from './service';

/**
 * How long one registry call may take. Composing a large graph takes a second or two; beyond
 * this the registry (or its database) is in trouble and the caller should hear so.
 */
const REQUEST_TIMEOUT_MS = 15_000;

/** The registry's conventional address in the embedded default and the CLI's default. */
export const DEFAULT_REGISTRY_URL = 'http://127.0.0.1:4005';

/** Options of a publish or check call. */
export interface PublishOptions {
  /** Publish despite breaking API changes; default false. */
  force?: boolean;
  /** Evaluate without writing; default false. */
  dryRun?: boolean;
  /** Recorded as the publisher; default the client's `publishedBy`. */
  publishedBy?: string;
  /** The subscription streams the subgraph serves; omitted keeps those of its latest version. */
  streams?: readonly StreamDeclaration[];
}

/** `GET /supergraph` as JSON. */
export interface SupergraphDocument {
  version: number;
  supergraphSdl: string;
  /** The subscription streams of the subgraphs, for the gateway's routing. */
  streams: StreamDefinition[];
  /** ISO-8601 UTC. */
  createdAt: string;
}

/** A subgraph's latest version as `GET /subgraphs` returns it (dates as ISO strings). */
export type SubgraphListing = Omit<SubgraphSummary, 'publishedAt'> & { publishedAt: string };

/** The supergraph poll outcome: nothing composed yet, unchanged since `knownVersion`, or a (newer) document. */
export type SupergraphPoll = { state: 'none' } | { state: 'unchanged'; version: number } | { state: 'current'; supergraph: SupergraphDocument };

/** A registry call that failed for a reason other than a rejected schema (401, 400, 5xx, network). */
export class RegistryClientError extends Error {
  override readonly name = 'RegistryClientError';
  constructor(
    message: string,
    /** HTTP status, or undefined when the registry could not be reached. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Options of `RegistryClient`. */
export interface RegistryClientOptions {
  /** e.g. `http://127.0.0.1:4005`; no trailing path. */
  baseUrl: string;
  /** The registry token, sent with every call (publish, check and reads alike); only probes answer without it. */
  publishToken?: string;
  /** Default `publishedBy` of publishes; default `registry-client`. */
  publishedBy?: string;
}

/**
 * Talks to the registry's HTTP API. A rejected publish is a result (`status: 'REJECTED'`), not
 * an exception: the caller decides whether to fail a deploy. Transport and auth failures throw
 * `RegistryClientError`.
 */
export class RegistryClient {
  private readonly baseUrl: string;

  constructor(private readonly options: RegistryClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Publishes `sdl` as the next version of subgraph `name`, routed at `url`. */
  publish(name: string, url: string, sdl: string, opts: PublishOptions = {}): Promise<PublishResult> {
    return this.submit(`/subgraphs/${encodeURIComponent(name)}`, url, sdl, opts);
  }

  /** Checks `sdl` against the latest graph without writing. */
  check(name: string, url: string, sdl: string, opts: Omit<PublishOptions, 'dryRun'> = {}): Promise<PublishResult> {
    return this.submit(`/check/${encodeURIComponent(name)}`, url, sdl, opts);
  }

  /** Every subgraph's latest version. */
  async list(): Promise<SubgraphListing[]> {
    const response = await this.request('/subgraphs', { method: 'GET' });
    const body = (await this.json(response, [200])) as { subgraphs: SubgraphListing[] };
    return body.subgraphs;
  }

  /** The current supergraph, or null when nothing has been composed yet. */
  async supergraph(): Promise<SupergraphDocument | null> {
    const poll = await this.pollSupergraph();
    return poll.state === 'current' ? poll.supergraph : null;
  }

  /** Fetches the supergraph unless it is still `knownVersion` (a conditional GET: 304 carries no body). */
  async pollSupergraph(knownVersion?: number): Promise<SupergraphPoll> {
    const headers: Record<string, string> = knownVersion === undefined ? {} : { 'if-none-match': `"${knownVersion}"` };
    const response = await this.request('/supergraph', { method: 'GET', headers });
    if (response.status === 404) {
      await response.body?.cancel();
      return { state: 'none' };
    }
    if (response.status === 304) return { state: 'unchanged', version: knownVersion as number };
    return { state: 'current', supergraph: (await this.json(response, [200])) as SupergraphDocument };
  }

  private async submit(path: string, url: string, sdl: string, opts: PublishOptions): Promise<PublishResult> {
    if (!this.options.publishToken) throw new RegistryClientError('RegistryClient needs a publishToken to publish or check.');
    const response = await this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        url,
        sdl,
        metadata: opts.streams ? { streams: opts.streams } : undefined,
        force: opts.force ?? false,
        dryRun: opts.dryRun ?? false,
        publishedBy: opts.publishedBy ?? this.options.publishedBy ?? 'registry-client',
      }),
    });
    return (await this.json(response, [200, 201, 422])) as PublishResult;
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.options.publishToken) headers.set('authorization', `Bearer ${this.options.publishToken}`);
    try {
      return await fetch(`${this.baseUrl}${path}`, { ...init, headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    } catch (error) {
      // fetch says only "fetch failed"; the cause (ECONNREFUSED, a timeout) is what an operator needs.
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new RegistryClientError(`Schema registry at ${this.baseUrl} is not reachable: ${reason}`);
    }
  }

  private async json(response: Response, expected: number[]): Promise<unknown> {
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!expected.includes(response.status)) {
      const message = (body as { error?: string } | undefined)?.error ?? (text || response.statusText);
      throw new RegistryClientError(`Schema registry answered ${response.status}: ${message}`, response.status);
    }
    return body;
  }
}
