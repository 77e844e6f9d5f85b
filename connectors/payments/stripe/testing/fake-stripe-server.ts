/**
 * A local Stripe for tests: `node:http` speaking the REST shape of what the Stripe adapter uses
 * (`POST /v1/refunds`, `GET /v1/refunds/:id`, the `GET /v1/refunds` list), with Stripe's Bearer auth, Stripe's idempotency
 * (same key + same params → the saved answer with `Idempotent-Replayed: true`; same key + other
 * params → 400 `idempotency_error`), signed webhooks, and faults a real network produces.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { FakeStripeLedger, fakeStripeId, stripeError, type FakeAnswer, type FakePayment, type FakeRefund, type FormParams } from './fake-stripe-ledger';
import { stripeSignatureHeader } from './fake-stripe-signing';

/** The secret key the fake accepts unless told otherwise. */
export const FAKE_STRIPE_SECRET_KEY = 'sk_test_fake_returns_graph';
/** The webhook signing secret the fake uses unless told otherwise. */
export const FAKE_STRIPE_WEBHOOK_SECRET = 'whsec_fake_returns_graph';
/** Age of a "stale" webhook: past the 300 s tolerance with a margin for slow test machines. */
export const STALE_WEBHOOK_AGE_SECONDS = 600;
/** Webhook deliveries give up after this long, so a stuck receiver fails the test instead of hanging it. */
const WEBHOOK_DELIVERY_TIMEOUT_MS = 5_000;

/**
 * Faults for the next requests: `http_500` answers 500 without executing (as when Stripe fails
 * before its endpoint runs, so nothing is saved under the key); `hang` executes, saves the answer
 * under the key, then never answers (the client times out); `crash_after_create` executes, saves,
 * then drops the connection (the outcome is unknown to the client).
 */
export type FakeStripeFault = 'http_500' | 'hang' | 'crash_after_create';

/** Options of `FakeStripeServer.start`. */
export interface FakeStripeServerOptions {
  /** Key expected in `Authorization: Bearer`. Default `FAKE_STRIPE_SECRET_KEY`. */
  secretKey?: string;
  /** Webhook signing secret. Default `FAKE_STRIPE_WEBHOOK_SECRET`. */
  webhookSecret?: string;
  /** Where webhooks are POSTed; settle() only updates state while unset. Settable later. */
  webhookUrl?: string;
  /** Status of a new refund: `pending` (default; settle() it later) or `succeeded` at once. */
  initialRefundStatus?: 'pending' | 'succeeded';
}

/** One request the fake saw, for assertions. */
export interface FakeStripeRequestLog {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** `replayed` (answer from the idempotency store), a fault, or `executed`. */
  outcome: 'executed' | 'replayed' | 'rejected' | FakeStripeFault;
  status: number | null;
}

/** A Stripe event as sent to the webhook endpoint, with what the endpoint answered. */
export interface FakeWebhookDelivery {
  eventId: string;
  body: string;
  headers: Record<string, string>;
  /** HTTP status of the endpoint's answer; null when no endpoint is configured. */
  responseStatus: number | null;
}

interface SavedAnswer {
  fingerprint: string;
  answer: FakeAnswer;
  requestId: string;
}

/** Parses `a=1&metadata[refund_id]=x` into `{ a: '1', metadata: { refund_id: 'x' } }`. */
function parseForm(body: string): FormParams {
  const params: FormParams = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const nested = /^(\w+)\[(\w*)\]$/.exec(key);
    if (!nested) {
      params[key] = value;
      continue;
    }
    const [, name = '', inner = ''] = nested;
    const bag = typeof params[name] === 'object' ? (params[name] as Record<string, string>) : {};
    bag[inner] = value;
    params[name] = bag;
  }
  return params;
}

/** Order-insensitive identity of a request, as Stripe compares a reused key's parameters. */
function fingerprint(method: string, path: string, body: string): string {
  const entries = [...new URLSearchParams(body)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([method, path, entries]);
}

/** The fake Stripe API and webhook sender. Start with `FakeStripeServer.start()`, stop with `close()`. */
export class FakeStripeServer {
  /** Every API request, in arrival order. */
  readonly requests: FakeStripeRequestLog[] = [];
  /** Endpoint for webhooks; may be set after start. */
  webhookUrl: string | undefined;
  /** The webhook signing secret in use. */
  readonly webhookSecret: string;
  private readonly ledger: FakeStripeLedger;
  private readonly saved = new Map<string, SavedAnswer>();
  private readonly events = new Map<string, string>();
  private readonly faults: FakeStripeFault[] = [];
  private readonly sockets = new Set<Socket>();

  private readonly server: Server;
  private readonly secretKey: string;
  private port = 0;

  private constructor(options: FakeStripeServerOptions) {
    this.secretKey = options.secretKey ?? FAKE_STRIPE_SECRET_KEY;
    this.webhookUrl = options.webhookUrl;
    this.webhookSecret = options.webhookSecret ?? FAKE_STRIPE_WEBHOOK_SECRET;
    this.ledger = new FakeStripeLedger(options.initialRefundStatus ?? 'pending');
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts the fake on 127.0.0.1 and a random port. */
  static async start(options: FakeStripeServerOptions = {}): Promise<FakeStripeServer> {
    const fake = new FakeStripeServer(options);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    const address = fake.server.address();
    if (address === null || typeof address === 'string') throw new Error('fake Stripe server is not listening on TCP');
    fake.port = address.port;
    return fake;
  }

  /** Where the SDK should point (`apiBase` of StripeGateway). */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and drops every open (including hung) connection. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Seeds a captured payment; `amountMinor` is in Stripe's amount units. */
  addPayment(payment: FakePayment): void {
    this.ledger.addPayment(payment);
  }

  /** The next `times` API requests suffer `fault`, in order after any faults already queued. */
  injectFault(fault: FakeStripeFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /** How many refunds were really created against a payment (idempotent replays do not count). */
  refundsCreatedFor(paymentId: string): number {
    return this.ledger.refundsCreatedFor(paymentId);
  }

  /** A refund as the fake holds it. */
  refund(id: string): FakeRefund | undefined {
    return this.ledger.refund(id);
  }

  /**
   * Settles a pending refund and sends Stripe's event for it (`refund.updated` on success,
   * `refund.failed` on failure) to `webhookUrl`, signed like Stripe.
   */
  async settle(refundId: string, status: 'succeeded' | 'failed', failureReason?: string): Promise<FakeWebhookDelivery> {
    const { previous, refund } = this.ledger.settle(refundId, status, failureReason);
    const type = status === 'failed' ? 'refund.failed' : 'refund.updated';
    return this.sendEvent(type, refund, { status: previous });
  }

  /** Builds, signs, stores (for `resend`) and delivers an event with `object` as `data.object`. */
  async sendEvent(type: string, object: Record<string, unknown> | FakeRefund, previousAttributes?: Record<string, unknown>): Promise<FakeWebhookDelivery> {
    const created = Math.floor(Date.now() / 1000);
    const event = {
      id: fakeStripeId('evt'),
      object: 'event',
      api_version: '2025-01-27.acacia',
      created,
      data: { object, ...(previousAttributes && { previous_attributes: previousAttributes }) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
    };
    const body = JSON.stringify(event, null, 2);
    this.events.set(event.id, body);
    return this.deliver(event.id, body, stripeSignatureHeader(body, this.webhookSecret, created));
  }

  /** Delivers a stored event again, freshly signed, as Stripe does when it retries a delivery. */
  async resend(eventId: string): Promise<FakeWebhookDelivery> {
    const body = this.events.get(eventId);
    if (body === undefined) throw new Error(`fake Stripe never sent event ${eventId}`);
    return this.deliver(eventId, body, stripeSignatureHeader(body, this.webhookSecret, Math.floor(Date.now() / 1000)));
  }

  /**
   * Delivers a stored event with its body changed after signing (`payload`: the amount is raised)
   * or with a signature made with another secret (`signature`).
   */
  async sendTampered(eventId: string, what: 'payload' | 'signature'): Promise<FakeWebhookDelivery> {
    const body = this.events.get(eventId);
    if (body === undefined) throw new Error(`fake Stripe never sent event ${eventId}`);
    const now = Math.floor(Date.now() / 1000);
    if (what === 'signature') return this.deliver(eventId, body, stripeSignatureHeader(body, 'whsec_attacker', now));
    const header = stripeSignatureHeader(body, this.webhookSecret, now);
    const forged = body.replace(/"amount": (\d+)/, (_, amount: string) => `"amount": ${Number(amount) * 10}`);
    if (forged === body) throw new Error(`event ${eventId} has no amount to tamper with`);
    return this.deliver(eventId, forged, header);
  }

  /** Delivers a stored event correctly signed but with a timestamp `ageSeconds` in the past. */
  async sendStale(eventId: string, ageSeconds = STALE_WEBHOOK_AGE_SECONDS): Promise<FakeWebhookDelivery> {
    const body = this.events.get(eventId);
    if (body === undefined) throw new Error(`fake Stripe never sent event ${eventId}`);
    return this.deliver(eventId, body, stripeSignatureHeader(body, this.webhookSecret, Math.floor(Date.now() / 1000) - ageSeconds));
  }

  private async deliver(eventId: string, body: string, signature: string): Promise<FakeWebhookDelivery> {
    const headers = {
      'content-type': 'application/json; charset=utf-8',
      'stripe-signature': signature,
      'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    };
    if (this.webhookUrl === undefined) return { eventId, body, headers, responseStatus: null };
    const responseStatus = await postOnce(this.webhookUrl, body, headers);
    return { eventId, body, headers, responseStatus };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const keyHeader = req.headers['idempotency-key'];
    const key = method === 'POST' && typeof keyHeader === 'string' ? keyHeader : null;
    const log: FakeStripeRequestLog = { method, path, idempotencyKey: key, outcome: 'executed', status: null };
    this.requests.push(log);

    if (!this.authorized(req.headers.authorization)) {
      log.outcome = 'rejected';
      return this.send(res, log, stripeError(401, 'invalid_request_error', undefined, 'Invalid API Key provided.'), fakeStripeId('req'), key);
    }
    const fault = this.faults.shift();
    if (fault === 'http_500') {
      log.outcome = fault;
      return this.send(res, log, stripeError(500, 'api_error', undefined, 'An unknown error occurred (injected by the fake).'), fakeStripeId('req'), key);
    }
    const { answer, requestId, outcome } = this.execute(method, path, body, key, new URLSearchParams(query));
    log.outcome = outcome;
    if (fault === 'hang') {
      log.outcome = fault;
      return; // the saved answer waits for the retry; this connection never gets one
    }
    if (fault === 'crash_after_create') {
      log.outcome = fault;
      req.socket.destroy();
      return;
    }
    this.send(res, log, answer, requestId, key, outcome === 'replayed');
  }

  /** Runs one request through Stripe's idempotency layer and the routes. */
  private execute(
    method: string,
    path: string,
    body: string,
    key: string | null,
    query: URLSearchParams,
  ): { answer: FakeAnswer; requestId: string; outcome: 'executed' | 'replayed' | 'rejected' } {
    const print = fingerprint(method, path, body);
    if (key !== null) {
      const saved = this.saved.get(key);
      if (saved && saved.fingerprint !== print) {
        const message = `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`;
        return { answer: stripeError(400, 'idempotency_error', undefined, message), requestId: fakeStripeId('req'), outcome: 'rejected' };
      }
      if (saved) return { answer: saved.answer, requestId: saved.requestId, outcome: 'replayed' };
    }
    const requestId = fakeStripeId('req');
    const route = this.route(method, path, body, query);
    // Stripe saves an answer under the key only once the endpoint began executing.
    if (key !== null && route.executed) this.saved.set(key, { fingerprint: print, answer: route.answer, requestId });
    return { answer: route.answer, requestId, outcome: route.executed ? 'executed' : 'rejected' };
  }

  private route(method: string, path: string, body: string, query: URLSearchParams): { answer: FakeAnswer; executed: boolean } {
    if (method === 'GET' && path === '/v1/refunds') return { answer: this.ledger.listRefunds(query), executed: true };
    if (method === 'POST' && path === '/v1/refunds') {
      const params = parseForm(body);
      const invalid = this.ledger.validateCreate(params);
      return invalid ? { answer: invalid, executed: false } : { answer: this.ledger.createRefund(params), executed: true };
    }
    const retrieve = /^\/v1\/refunds\/([^/]+)$/.exec(path);
    if (method === 'GET' && retrieve) return { answer: this.ledger.retrieveRefund(decodeURIComponent(retrieve[1] ?? '')), executed: true };
    return { answer: stripeError(404, 'invalid_request_error', undefined, `Unrecognized request URL (${method}: ${path}).`), executed: false };
  }

  private authorized(header: string | undefined): boolean {
    if (header === undefined) return false;
    if (header === `Bearer ${this.secretKey}`) return true;
    // Stripe also takes the key as the Basic-auth user name (`curl -u sk_...:`).
    const basic = /^Basic (.+)$/.exec(header);
    return basic !== null && Buffer.from(basic[1] ?? '', 'base64').toString('utf8') === `${this.secretKey}:`;
  }

  private send(res: ServerResponse, log: FakeStripeRequestLog, answer: FakeAnswer, requestId: string, key: string | null, replayed = false): void {
    log.status = answer.status;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
    if (key !== null) headers['idempotency-key'] = key;
    if (replayed) headers['idempotent-replayed'] = 'true';
    res.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
  }
}

/** One POST without keep-alive, so test runs leave no sockets open; resolves with the status code. */
function postOnce(url: string, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', headers: { ...headers, 'content-length': Buffer.byteLength(body) }, agent: false, timeout: WEBHOOK_DELIVERY_TIMEOUT_MS },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`webhook endpoint ${url} did not answer in ${WEBHOOK_DELIVERY_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
