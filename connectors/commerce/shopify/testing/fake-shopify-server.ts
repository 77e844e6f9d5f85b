/**
 * A local Shopify for tests: `node:http` serving `POST /admin/api/2026-10/graphql.json` as Shopify
 * does — the `X-Shopify-Access-Token` checked (401 otherwise), real GraphQL executed over a subset
 * of the Admin schema (`admin-schema.graphql`) and an in-memory shop (`fake-store.ts`), the
 * calculated cost and leaky bucket answered in `extensions.cost` on every response (THROTTLED as
 * an HTTP 200 with `extensions.code`), bulk exports served as JSONL at `GET /bulk/<id>.jsonl`,
 * and signed webhooks. Faults on demand: N answers of 429 with `Retry-After`, N answers of 5xx.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { execute, Kind, parse, validate, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { adminSchema } from './admin-schema';
import { pollBulk, startBulk } from './fake-bulk';
import { fakeFieldResolver, type FakeContext } from './fake-connections';
import { actualCost, LeakyBucket, MAX_QUERY_COST, requestedCost } from './fake-cost';
import { mutationRoot } from './fake-mutations';
import { queryRoot } from './fake-queries';
import type { BulkOperationRecord, FulfillmentRecord, LocationRecord, OrderRecord, RefundRecord, ReturnRecord, VariantRecord } from './fake-records';
import { FakeShopifyStore, type SeedOrder } from './fake-store';
import { orderPayload, refundPayload, returnPayload, signedDelivery, type WebhookDelivery, type WebhookOptions } from './fake-webhooks';

/** The API version the fake serves (the connector's pinned version). */
export const FAKE_SHOPIFY_API_VERSION = '2026-10';
/** The access token the fake accepts unless told otherwise. */
export const FAKE_SHOPIFY_ACCESS_TOKEN = 'shpat_fake_returns_graph_0001';
/** The app secret that signs the fake's webhooks unless told otherwise. */
export const FAKE_SHOPIFY_WEBHOOK_SECRET = 'fake-shopify-app-secret-0123456789';
/** The shop's domain. */
export const FAKE_SHOP_DOMAIN = 'returns-graph-test.myshopify.com';
/** Webhook deliveries give up after this long, so a stuck receiver fails the test instead of hanging it. */
const WEBHOOK_TIMEOUT_MS = 5_000;

/** Options of `FakeShopify.start`. */
export interface FakeShopifyOptions {
  accessToken?: string;
  webhookSecret?: string;
  /** The leaky bucket: Shopify's standard plan by default (2,000 points, 100 per second). */
  bucket?: { maximumAvailable: number; restoreRate: number };
  /**
   * The clock moves only by `advance`, not with real time: a test of the bucket then sees the same
   * restores however slowly a loaded machine runs it. Default false (real time plus `advance`).
   */
  frozenClock?: boolean;
}

/** One GraphQL request the fake saw. */
export interface FakeShopifyRequest {
  operationName: string | null;
  /** Root fields of the operation, e.g. `['orders']`, `['returnCreate']`. */
  rootFields: string[];
  kind: 'query' | 'mutation' | 'unknown';
  outcome: 'ok' | 'throttled' | 'rate-limited' | 'failed' | 'unauthorized' | 'invalid' | 'max-cost';
  cost: number | null;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The fake Shopify. Start with `FakeShopify.start()`, stop with `stop()`. */
export class FakeShopify {
  /** The shop's data; seed through the helpers below or directly. */
  readonly store: FakeShopifyStore;
  /** Every GraphQL request, in arrival order. */
  readonly requests: FakeShopifyRequest[] = [];
  readonly accessToken: string;
  readonly webhookSecret: string;
  readonly shopDomain = FAKE_SHOP_DOMAIN;
  private readonly bucket: LeakyBucket;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private clockOffset = 0;
  /** Real time at start when the clock is frozen (`FakeShopifyOptions.frozenClock`). */
  private readonly frozenAt: number | undefined;
  private port = 0;
  private rateLimited: number[] = [];
  private failures: number[] = [];

  private constructor(options: FakeShopifyOptions) {
    this.accessToken = options.accessToken ?? FAKE_SHOPIFY_ACCESS_TOKEN;
    this.webhookSecret = options.webhookSecret ?? FAKE_SHOPIFY_WEBHOOK_SECRET;
    this.frozenAt = options.frozenClock ? Date.now() : undefined;
    this.store = new FakeShopifyStore(() => this.now());
    const bucket = options.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
    this.bucket = new LeakyBucket(bucket.maximumAvailable, bucket.restoreRate, () => this.now());
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => json(res, 500, { errors: [{ message: (error as Error).message }] }));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts the fake on 127.0.0.1 and a random port. */
  static async start(options: FakeShopifyOptions = {}): Promise<FakeShopify> {
    const fake = new FakeShopify(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    if (address === null || typeof address === 'string') throw new Error('fake Shopify is not listening on TCP');
    fake.port = address.port;
    return fake;
  }

  /** The origin to pass as the connector's `apiBase`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The connector options that reach this fake. */
  connectorOptions(): { storeDomain: string; accessToken: string; webhookSecret: string; apiBase: string } {
    return { storeDomain: this.shopDomain, accessToken: this.accessToken, webhookSecret: this.webhookSecret, apiBase: this.url };
  }

  /** Stops listening and drops open connections. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** The fake's clock (ms): real time (or the start, when frozen) plus what `advance` added. */
  now(): number {
    return (this.frozenAt ?? Date.now()) + this.clockOffset;
  }

  /** Moves the fake's clock on (the bucket restores, timestamps move): pass it as the client's `sleep` to test waits without waiting. */
  advance(ms: number): void {
    this.clockOffset += ms;
  }

  /** The next `times` GraphQL requests answer HTTP 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitNext(times: number, retryAfterSeconds = 1): void {
    for (let i = 0; i < times; i++) this.rateLimited.push(retryAfterSeconds);
  }

  /** The next `times` GraphQL requests answer `status` (a 5xx) without running. */
  failNext(times: number, status = 503): void {
    for (let i = 0; i < times; i++) this.failures.push(status);
  }

  /** Names of every mutation field executed (or attempted), in order: `returnCreate`, `metafieldsSet`, … */
  mutationNames(): string[] {
    return this.requests.filter((r) => r.kind === 'mutation').flatMap((r) => r.rootFields);
  }

  /** THROTTLED answers given so far. */
  get throttledCount(): number {
    return this.requests.filter((r) => r.outcome === 'throttled').length;
  }

  seedLocation(input: Parameters<FakeShopifyStore['seedLocation']>[0]): LocationRecord {
    return this.store.seedLocation(input);
  }
  seedVariant(input: Parameters<FakeShopifyStore['seedVariant']>[0]): VariantRecord {
    return this.store.seedVariant(input);
  }
  seedOrder(input: SeedOrder): OrderRecord {
    return this.store.seedOrder(input);
  }
  updateOrder(id: string, patch: Parameters<FakeShopifyStore['updateOrder']>[1]): OrderRecord {
    return this.store.updateOrder(id, patch);
  }
  cancelOrder(id: string): OrderRecord {
    return this.store.cancelOrder(id);
  }
  fulfilOrder(id: string, options?: Parameters<FakeShopifyStore['fulfilOrder']>[1]): FulfillmentRecord {
    return this.store.fulfilOrder(id, options);
  }
  deliverOrder(id: string): OrderRecord {
    return this.store.deliverOrder(id);
  }
  refundOrder(id: string, amount: string): RefundRecord {
    return this.store.refundOrder(id, amount);
  }

  /** A signed delivery of `payload` (not sent), for tests of `verify` and `interpret`. */
  webhook(topic: string, payload: unknown, options: WebhookOptions = {}): WebhookDelivery {
    return signedDelivery(this.webhookSecret, this.shopDomain, FAKE_SHOPIFY_API_VERSION, topic, payload, options);
  }

  /** Signs `payload` and POSTs it to `url` as Shopify would; the receiver's status and body. */
  async sendWebhook(
    url: string,
    topic: string,
    payload: unknown,
    options: WebhookOptions = {},
  ): Promise<{ status: number; body: string; delivery: WebhookDelivery }> {
    const delivery = this.webhook(topic, payload, options);
    const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.rawBody, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    return { status: response.status, body: await response.text(), delivery };
  }

  /** REST-shaped webhook bodies, generated from the store. */
  orderPayload(id: string): Record<string, unknown> {
    return orderPayload(this.store.order(id));
  }
  refundPayload(refund: RefundRecord): Record<string, unknown> {
    return refundPayload(refund);
  }
  returnPayload(ret: ReturnRecord): Record<string, unknown> {
    return returnPayload(ret);
  }

  private rootValue(): Record<string, unknown> {
    const queries = queryRoot(this.store);
    return {
      ...queries,
      node: (args: { id: string }) => {
        const node = queries.node(args);
        if (node?.__typename === 'BulkOperation') pollBulk(node as BulkOperationRecord, () => this.store.stamp());
        return node;
      },
      currentBulkOperation: () => {
        const operation = this.store.bulkOperations[this.store.bulkOperations.length - 1] ?? null;
        if (operation) pollBulk(operation, () => this.store.stamp());
        return operation;
      },
      ...mutationRoot(this.store, (query) => startBulk(adminSchema(), this.store, this.rootValue(), fakeFieldResolver, query, () => this.url)),
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const bulk = /^\/bulk\/(\d+)\.jsonl$/.exec(path);
    if (req.method === 'GET' && bulk) return this.serveBulk(res, `gid://shopify/BulkOperation/${bulk[1]}`);
    const api = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    if (req.method !== 'POST' || !api) return json(res, 404, { errors: 'Not Found' });
    if (api[1] !== FAKE_SHOPIFY_API_VERSION) return json(res, 404, { errors: `API version ${api[1]} is not served by the fake` });
    const body = await readBody(req);
    if (req.headers['x-shopify-access-token'] !== this.accessToken) {
      this.requests.push({ operationName: null, rootFields: [], kind: 'unknown', outcome: 'unauthorized', cost: null });
      return json(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    const retryAfter = this.rateLimited.shift();
    if (retryAfter !== undefined) {
      this.requests.push({ operationName: null, rootFields: [], kind: 'unknown', outcome: 'rate-limited', cost: null });
      return json(
        res,
        429,
        { errors: 'Exceeded the rate limit. Reduce request rates to resume uninterrupted service.' },
        { 'retry-after': String(retryAfter) },
      );
    }
    const failure = this.failures.shift();
    if (failure !== undefined) {
      this.requests.push({ operationName: null, rootFields: [], kind: 'unknown', outcome: 'failed', cost: null });
      return json(res, failure, { errors: 'Internal Server Error' });
    }
    return this.graphql(res, body);
  }

  private serveBulk(res: ServerResponse, id: string): void {
    const operation = this.store.bulkOperations.find((op) => op.id === id);
    if (!operation || operation.status !== 'COMPLETED') return json(res, 404, { errors: 'Not Found' });
    res.writeHead(200, { 'content-type': 'application/jsonl' });
    res.end(operation.jsonl);
  }

  private async graphql(res: ServerResponse, body: string): Promise<void> {
    let request: { query?: string; variables?: Record<string, unknown>; operationName?: string };
    let document: DocumentNode;
    try {
      request = JSON.parse(body) as typeof request;
      document = parse(request.query ?? '');
    } catch (error) {
      this.requests.push({ operationName: null, rootFields: [], kind: 'unknown', outcome: 'invalid', cost: null });
      return json(res, 200, { errors: [{ message: (error as Error).message }] });
    }
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const log: FakeShopifyRequest = {
      operationName: operation?.name?.value ?? null,
      rootFields: (operation?.selectionSet.selections ?? []).flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])),
      kind: operation?.operation === 'mutation' ? 'mutation' : operation ? 'query' : 'unknown',
      outcome: 'ok',
      cost: null,
    };
    this.requests.push(log);
    const problems = validate(adminSchema(), document);
    if (problems.length > 0) {
      log.outcome = 'invalid';
      return json(res, 200, { errors: problems.map((p) => ({ message: p.message, locations: p.locations })) });
    }
    const variables = request.variables ?? {};
    const cost = requestedCost(adminSchema(), document, variables, request.operationName);
    log.cost = cost;
    if (cost > MAX_QUERY_COST) {
      log.outcome = 'max-cost';
      return json(res, 200, {
        errors: [
          {
            message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost: MAX_QUERY_COST },
          },
        ],
      });
    }
    if (!this.bucket.take(cost)) {
      log.outcome = 'throttled';
      return json(res, 200, {
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.bucket.status() } },
      });
    }
    const result = await execute({
      schema: adminSchema(),
      document,
      rootValue: this.rootValue(),
      contextValue: { bulk: false } satisfies FakeContext,
      variableValues: variables,
      operationName: request.operationName,
      fieldResolver: fakeFieldResolver,
    });
    const actual = actualCost(adminSchema(), document, variables, result.data, request.operationName);
    this.bucket.refund(cost - actual);
    return json(res, 200, {
      ...(result.data !== undefined && { data: result.data }),
      ...(result.errors?.length && { errors: result.errors.map((e) => ({ message: e.message, path: e.path })) }),
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: actual, throttleStatus: this.bucket.status() } },
    });
  }
}
