/**
 * A local Business Central for tests: `node:http` speaking BC API v2.0's wire format for what the
 * adapter uses, behind an Entra-style token endpoint (client credentials, bearer tokens that
 * expire). OData entities carry `@odata.etag`; writes need a current `If-Match` (412 otherwise);
 * errors are BC's `{ error: { code, message } }`; a configurable rate and concurrency limit
 * answers 429 with `Retry-After`; faults and outages are injectable.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FakeBcBooks, FakeBcError, type FakeBcSeed } from './fake-bc-books';
import { routeApi, type FakeApiRequest } from './fake-bc-routes';

/** Ids and credentials the fake accepts unless told otherwise. */
export const FAKE_BC = {
  tenantId: '8f0e2c4a-1b3d-4e5f-9a7b-6c5d4e3f2a1b',
  environment: 'production',
  companyId: '5d1e8c2b-3a4f-4b6c-8d7e-9f0a1b2c3d4e',
  clientId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  clientSecret: 'fake-bc-client-secret-value',
  /** An https host msal accepts as an authority; token requests go to the fake's http address (see `authorityMetadata`). */
  authorityHost: 'https://login.fake-entra.test',
} as const;

/** The scope an app-only BC token request must ask for. */
const BC_SCOPE = 'https://api.businesscentral.dynamics.com/.default';

/**
 * A fault for the next matching API request: `http_503` answers 503 without executing; `throttle`
 * answers 429 with `Retry-After`; `reset_before` drops the connection without executing;
 * `reset_after` executes, then drops the connection (the outcome is unknown to the client);
 * `hang` never answers; `concurrent_edit` changes the addressed memo (as another user would)
 * just before executing, so the client's ETag is stale.
 */
export type FakeBcFault = 'http_503' | 'throttle' | 'reset_before' | 'reset_after' | 'hang' | 'concurrent_edit';

/** Options of `FakeBusinessCentral.start`. */
export interface FakeBusinessCentralOptions {
  /** Seconds a token lives. Default 3599 (Entra's usual). */
  tokenLifetimeSeconds?: number;
  /** Entities per page before `@odata.nextLink`. Default 20 000 (BC's page limit). */
  pageSize?: number;
  /** Requests per second allowed (fixed one-second windows); beyond → 429. Default: unlimited. */
  requestsPerSecond?: number;
  /** Requests in flight allowed; beyond → 429. Default: unlimited. */
  maxConcurrentRequests?: number;
  /** Origin put in `@odata.nextLink`. Default: the fake's own; a test sets another to check the adapter refuses to follow it. */
  nextLinkOrigin?: string;
  /** Overrides of the seeded company. */
  seed?: Partial<FakeBcSeed>;
}

/** One API request the fake saw. */
export interface FakeBcRequestLog {
  method: string;
  /** Path after `companies(<id>)/`, with the query. */
  path: string;
  ifMatch: string | null;
  status: number | null;
  outcome: 'executed' | FakeBcFault | 'throttled' | 'unauthorized';
}

/** The seeded company: a web customer, two items, the G/L accounts of the adapter's lines, US-style sales tax. */
export const DEFAULT_FAKE_BC_SEED: FakeBcSeed = {
  customers: ['C-WEB', 'CUST-1001'],
  items: { 'SKU-TEE-M': 'TAXABLE', 'SKU-JEANS-32': 'TAXABLE' },
  accounts: { '40100': 'TAXABLE', '40200': 'TAXABLE', '40300': 'NONTAXABLE', '22000': 'NONTAXABLE' },
  taxRates: { TAXABLE: 825, NONTAXABLE: 0 },
  localCurrency: 'USD',
};

/** The fake BC API and token endpoint. Start with `FakeBusinessCentral.start()`, stop with `close()`. */
export class FakeBusinessCentral {
  readonly books: FakeBcBooks;
  readonly requests: FakeBcRequestLog[] = [];
  /** Token requests answered with a token. */
  tokensIssued = 0;
  /** While true every API request answers 503 (the token endpoint still works). */
  outage = false;
  private readonly tokens = new Map<string, number>();
  private readonly faults: Array<{ fault: FakeBcFault; when: (method: string, path: string) => boolean }> = [];
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private port = 0;
  private inFlight = 0;
  private window = { second: 0, count: 0 };

  private constructor(private readonly options: FakeBusinessCentralOptions) {
    this.books = new FakeBcBooks({ ...DEFAULT_FAKE_BC_SEED, ...options.seed });
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { error: { code: 'Internal_ServerError', message: String(error) } }));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: FakeBusinessCentralOptions = {}): Promise<FakeBusinessCentral> {
    const fake = new FakeBusinessCentral(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    if (address === null || typeof address === 'string') throw new Error('fake Business Central is not listening on TCP');
    fake.port = address.port;
    return fake;
  }

  /** The API host (`apiBase` of the adapter). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The tenant's OpenID configuration for msal (`authorityMetadata`): its token endpoint is this fake. */
  authorityMetadata(tenantId: string = FAKE_BC.tenantId): string {
    const base = `${this.url}/${tenantId}`;
    return JSON.stringify({
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      issuer: `${FAKE_BC.authorityHost}/${tenantId}/v2.0`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** The next `times` API requests matching `when` (method, path after the company) suffer `fault`. */
  injectFault(fault: FakeBcFault, options: { times?: number; when?: (method: string, path: string) => boolean } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i++) this.faults.push({ fault, when: options.when ?? (() => true) });
  }

  /** Makes every issued token expired, as an hour passing would. */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(url.pathname)) return this.token(url, body, res);
    const prefix = `/v2.0/${FAKE_BC.tenantId}/${FAKE_BC.environment}/api/v2.0/companies(${FAKE_BC.companyId})/`;
    if (!url.pathname.startsWith(prefix)) {
      return send(res, 404, { error: { code: 'BadRequest_NotFound', message: `No environment or company at ${url.pathname}.` } });
    }
    const path = url.pathname.slice(prefix.length) + url.search;
    const log: FakeBcRequestLog = {
      method: req.method ?? 'GET',
      path: decodeURIComponent(path),
      ifMatch: header(req, 'if-match'),
      status: null,
      outcome: 'executed',
    };
    this.requests.push(log);
    if (!this.authorized(req)) {
      log.outcome = 'unauthorized';
      res.setHeader('www-authenticate', 'Bearer realm=""');
      return send(res, (log.status = 401), {
        error: { code: 'Authentication_InvalidCredentials', message: 'The server has rejected the client credentials.' },
      });
    }
    if (this.throttled()) {
      log.outcome = 'throttled';
      res.setHeader('retry-after', '1');
      return send(res, (log.status = 429), { error: { code: 'Application_TooManyRequests', message: 'Too many requests reached. Actual (1). Maximum (1).' } });
    }
    this.inFlight++;
    try {
      await this.serve(req, res, url, body, log);
    } finally {
      this.inFlight--;
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse, url: URL, body: string, log: FakeBcRequestLog): Promise<void> {
    const method = req.method ?? 'GET';
    const index = this.faults.findIndex((f) => f.when(method, log.path));
    const fault = index === -1 ? null : this.faults.splice(index, 1)[0]?.fault;
    if (fault) log.outcome = fault;
    if (this.outage || fault === 'http_503') {
      return send(res, (log.status = 503), { error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } });
    }
    if (fault === 'throttle') {
      res.setHeader('retry-after', '2');
      return send(res, (log.status = 429), { error: { code: 'Application_TooManyRequests', message: 'Too many requests reached.' } });
    }
    if (fault === 'reset_before') return void req.socket.destroy();
    if (fault === 'hang') return;
    const request: FakeApiRequest = {
      method,
      segments: url.pathname.split('/').slice(7),
      searchParams: url.searchParams,
      body,
      ifMatch: log.ifMatch,
      url: `${this.options.nextLinkOrigin ?? url.origin}${url.pathname}`,
    };
    if (fault === 'concurrent_edit') this.editAddressedMemo(request);
    const answer = (() => {
      try {
        return routeApi(this.books, request, this.options.pageSize ?? 20_000);
      } catch (error) {
        if (error instanceof FakeBcError) return { status: error.status, body: { error: { code: error.code, message: error.message } } };
        throw error;
      }
    })();
    if (fault === 'reset_after') return void req.socket.destroy();
    log.status = answer.status;
    send(res, answer.status, answer.body);
  }

  /** Another user touching the memo: its ETag changes, its content does not. */
  private editAddressedMemo(request: FakeApiRequest): void {
    const id = /^salesCreditMemos\(([^)]+)\)/.exec(request.segments.join('/'))?.[1];
    const memo = id ? this.books.memos.get(id) : undefined;
    if (memo) {
      memo.version++;
      for (const line of memo.lines) line.version++;
    }
  }

  /** Entra's client-credentials grant: checks the client, the secret and the scope. */
  private token(url: URL, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const tenant = url.pathname.split('/')[1];
    const aadError = (status: number, error: string, description: string) =>
      send(res, status, {
        error,
        error_description: description,
        error_codes: [Number(/AADSTS(\d+)/.exec(description)?.[1] ?? 0)],
        timestamp: new Date().toISOString(),
      });
    if (tenant !== FAKE_BC.tenantId) return aadError(400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    if (form.get('grant_type') !== 'client_credentials')
      return aadError(400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
    if (form.get('client_id') !== FAKE_BC.clientId)
      return aadError(400, 'unauthorized_client', `AADSTS700016: Application '${form.get('client_id')}' was not found.`);
    if (form.get('client_secret') !== FAKE_BC.clientSecret) return aadError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
    if (form.get('scope') !== BC_SCOPE) return aadError(400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${form.get('scope')} is not valid.`);
    const lifetime = this.options.tokenLifetimeSeconds ?? 3599;
    const token = `fake-bc-${randomBytes(16).toString('hex')}`;
    this.tokens.set(token, Date.now() + lifetime * 1000);
    this.tokensIssued++;
    send(res, 200, { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token });
  }

  private authorized(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(header(req, 'authorization') ?? '')?.[1];
    return token !== undefined && (this.tokens.get(token) ?? 0) > Date.now();
  }

  /** Fixed one-second windows plus a concurrency cap, as BC's per-user limits behave from outside. */
  private throttled(): boolean {
    const second = Math.floor(Date.now() / 1000);
    if (this.window.second !== second) this.window = { second, count: 0 };
    const overRate = this.options.requestsPerSecond !== undefined && this.window.count >= this.options.requestsPerSecond;
    const overConcurrency = this.options.maxConcurrentRequests !== undefined && this.inFlight >= this.options.maxConcurrentRequests;
    if (overRate || overConcurrency) return true;
    this.window.count++;
    return false;
  }
}

function header(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === 'string' ? value : null;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return body;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (status === 204 || body === null) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; odata.metadata=minimal; charset=utf-8' }).end(JSON.stringify(body));
}
