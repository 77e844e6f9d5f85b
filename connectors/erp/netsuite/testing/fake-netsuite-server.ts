/**
 * A local NetSuite for tests: `node:http` speaking the SuiteTalk REST shapes the connector uses —
 * the OAuth 2.0 token endpoint, TBA-signed or bearer requests, `GET|PUT|POST /services/rest/record/v1/…`
 * by internal id and `eid:`, `!transform`, SuiteQL with `links`/`hasMore` paging — with NetSuite's
 * error body, its 429 under a concurrency limit, and injectable storms, outages and lost answers.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KeyLike } from 'jose';
import { FakeNetSuiteAuth, type FakeOAuth2Config, type FakeTbaConfig } from './fake-netsuite-auth';
import { FakeNetSuiteBooks, FakeNetSuiteError, type FakeRecord } from './fake-netsuite-books';
import { runSuiteQl } from './fake-suiteql';

/** Options of `FakeNetSuite.start`. */
export interface FakeNetSuiteOptions {
  accountId?: string;
  /** Accept OAuth 2.0 M2M assertions signed by this certificate. */
  oauth2?: { clientId: string; certificateId: string; publicKey: KeyLike };
  /** Lifetime of issued OAuth 2.0 tokens. Default 3600 (NetSuite's). */
  tokenLifetimeSeconds?: number;
  /** Accept TBA requests signed with these. */
  tba?: FakeTbaConfig;
  /** Requests in flight beyond this answer 429 CONCURRENCY_LIMIT_EXCEEDED (NetSuite's per-account limit). Default 5. */
  concurrencyLimit?: number;
  /** Time each API request takes, so requests overlap as they do against the real service. Default 0. */
  latencyMs?: number;
  /** Most SuiteQL rows per page, whatever `limit` asks (forces paging in tests). Default 1000. */
  suiteQlPageSize?: number;
}

/** One request the fake saw. */
export interface FakeNetSuiteRequest {
  method: string;
  path: string;
  status: number;
}

/** The fake's default account. */
export const FAKE_NETSUITE_ACCOUNT = '1234567_SB1';

const RECORD_PATH = /^\/services\/rest\/record\/v1\/(\w+)(?:\/([^/!]+))?(?:\/!transform\/(\w+))?$/;
const SUITEQL_PATH = '/services/rest/query/v1/suiteql';
const TOKEN_PATH = '/services/rest/auth/oauth2/v1/token';

/** A fake NetSuite account on 127.0.0.1. */
export class FakeNetSuite {
  readonly books: FakeNetSuiteBooks;
  readonly auth: FakeNetSuiteAuth;
  readonly requests: FakeNetSuiteRequest[] = [];
  /** Most API requests ever in flight at once. */
  maxInFlight = 0;
  private inFlight = 0;
  private stormLeft = 0;
  private governanceLeft = 0;
  private outageUntil = 0;
  private dropLeft = 0;
  private clockOffsetMs = 0;

  private constructor(
    private readonly server: Server,
    readonly accountId: string,
    private readonly options: FakeNetSuiteOptions,
  ) {
    const now = () => this.now();
    this.books = new FakeNetSuiteBooks(now);
    const oauth2: FakeOAuth2Config | null = options.oauth2 ? { ...options.oauth2, tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600 } : null;
    this.auth = new FakeNetSuiteAuth(accountId, oauth2, options.tba ?? null, now);
  }

  /** Starts a fake on a free port. */
  static async start(options: FakeNetSuiteOptions = {}): Promise<FakeNetSuite> {
    const server = createServer((req, res) => void fake.handle(req, res));
    const fake = new FakeNetSuite(server, options.accountId ?? FAKE_NETSUITE_ACCOUNT, options);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** `http://127.0.0.1:<port>`: the connector's `apiBase`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The fake's clock (real time plus what `advance` added). */
  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** Moves the fake's clock (token expiry) forward. */
  advance(ms: number): void {
    this.clockOffsetMs += ms;
  }

  /** The next `n` API requests answer 429 REQUEST_LIMIT_EXCEEDED with `Retry-After: 1`. */
  storm429(n: number): void {
    this.stormLeft = n;
  }

  /** The next `n` API requests answer 400 SSS_REQUEST_LIMIT_EXCEEDED (governance). */
  governance(n: number): void {
    this.governanceLeft = n;
  }

  /** For `ms`, every request answers 503 with `Retry-After`. */
  outage(ms: number): void {
    this.outageUntil = this.now() + ms;
  }

  /** The next `n` record writes (create, upsert, transform) are executed and booked, then the connection is destroyed: the client never hears. */
  dropAnswers(n: number): void {
    this.dropLeft = n;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const body = await readBody(req);
    const answer = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ method: req.method ?? '', path: url.pathname, status });
      res.writeHead(status, { ...(payload !== undefined ? { 'content-type': 'application/json' } : {}), ...headers });
      res.end(payload !== undefined ? JSON.stringify(payload) : undefined);
    };
    if (this.now() < this.outageUntil) return answer(503, problem(503, 'UNEXPECTED_ERROR', 'Service Unavailable'), { 'retry-after': '2' });
    if (url.pathname === TOKEN_PATH && req.method === 'POST') {
      const token = await this.auth.issueToken(new URLSearchParams(body));
      return 'error' in token ? answer(400, token) : answer(200, token);
    }
    if (this.stormLeft > 0) {
      this.stormLeft -= 1;
      return answer(429, problem(429, 'REQUEST_LIMIT_EXCEEDED', 'Request limit exceeded.'), { 'retry-after': '1' });
    }
    if (this.governanceLeft > 0) {
      this.governanceLeft -= 1;
      return answer(400, problem(400, 'SSS_REQUEST_LIMIT_EXCEEDED', 'Request limit exceeded.'));
    }
    if (!this.auth.verify(req.method ?? 'GET', url, req.headers.authorization))
      return answer(401, problem(401, 'INVALID_LOGIN', 'Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI.'), {
        'www-authenticate': 'Bearer error="invalid_token"',
      });
    if (this.inFlight >= (this.options.concurrencyLimit ?? 5))
      return answer(429, problem(429, 'CONCURRENCY_LIMIT_EXCEEDED', 'Concurrent request limit exceeded. Request blocked.'));
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.options.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.options.latencyMs));
      const result = this.route(req.method ?? 'GET', url, body, String(req.headers.prefer ?? ''));
      if ('record' in result && this.dropLeft > 0) {
        this.dropLeft -= 1;
        this.requests.push({ method: req.method ?? '', path: url.pathname, status: 0 });
        req.socket.destroy();
        return;
      }
      if ('record' in result) return answer(204, undefined, { location: `${this.url}/services/rest/record/v1/${result.record.type}/${result.record.id}` });
      return answer(200, result.json);
    } catch (error) {
      if (error instanceof FakeNetSuiteError) return answer(error.status, problem(error.status, error.code, error.message));
      return answer(500, problem(500, 'UNEXPECTED_ERROR', (error as Error).message));
    } finally {
      this.inFlight -= 1;
    }
  }

  private route(method: string, url: URL, body: string, prefer: string): { record: FakeRecord } | { json: unknown } {
    if (url.pathname === SUITEQL_PATH && method === 'POST') return { json: this.suiteql(url, body, prefer) };
    const match = RECORD_PATH.exec(url.pathname);
    if (!match) throw new FakeNetSuiteError(404, 'NONEXISTENT_ID', `No resource at ${url.pathname}.`);
    const [, type = '', rawKey, target] = match;
    const key = rawKey === undefined ? undefined : decodeURIComponent(rawKey);
    if (method === 'GET' && key && !target) {
      const record = this.books.find(type, key);
      if (!record) throw new FakeNetSuiteError(404, 'NONEXISTENT_ID', 'The record instance does not exist. Provide a valid record instance ID.');
      return { json: this.books.render(record, this.url) };
    }
    const input = parseJson(body);
    if (method === 'POST' && key && target) return { record: this.books.transform(type, key, target, input) };
    if (method === 'POST' && !key) return { record: this.books.create(type, input) };
    if (method === 'PUT' && key?.startsWith('eid:')) return { record: this.books.upsert(type, key.slice(4), input) };
    throw new FakeNetSuiteError(405, 'METHOD_NOT_ALLOWED', `${method} ${url.pathname} is not supported.`);
  }

  private suiteql(url: URL, body: string, prefer: string): unknown {
    if (!/\btransient\b/.test(prefer)) throw new FakeNetSuiteError(400, 'USER_ERROR', 'Prefer: transient is required.');
    const rows = runSuiteQl(this.books, String(parseJson(body).q ?? ''));
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 1000), this.options.suiteQlPageSize ?? 1000);
    const offset = Number(url.searchParams.get('offset') ?? 0);
    const items = rows.slice(offset, offset + limit);
    const hasMore = offset + limit < rows.length;
    const href = (at: number) => `${this.url}${SUITEQL_PATH}?limit=${limit}&offset=${at}`;
    return {
      links: [{ rel: 'self', href: href(offset) }, ...(hasMore ? [{ rel: 'next', href: href(offset + limit) }] : [])],
      count: items.length,
      hasMore,
      items,
      offset,
      totalResults: rows.length,
    };
  }
}

/** NetSuite's error body. */
function problem(status: number, code: string, detail: string) {
  return {
    type: `https://www.rfc-editor.org/rfc/rfc9110.html#section-15.${status >= 500 ? 6 : 5}`,
    title: status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : status === 404 ? 'Not Found' : 'Bad Request',
    status,
    'o:errorDetails': [{ detail, 'o:errorCode': code }],
  };
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new FakeNetSuiteError(400, 'INVALID_CONTENT', 'The request body is not a JSON object.');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
