/**
 * A local Adyen for tests: `node:http` speaking what the Adyen adapter uses — Checkout
 * `POST /v7x/payments/{pspReference}/refunds` with `X-API-Key` auth (401 in Adyen's error shape
 * otherwise), Adyen's idempotency (same Idempotency-Key + same body → the stored answer; same key +
 * another body → 422), Adyen's refusals, HMAC-signed standard notifications (batches possible) to a
 * webhook URL, the settlement details report at the report download path, and faults a real
 * network produces.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { adyenError, FakeAdyenLedger, fakePspReference, type FakeAdyenAnswer, type FakeAdyenPayment, type FakeAdyenRefund } from './fake-adyen-ledger';
import { adyenHmacSignature } from './fake-adyen-signing';
import { adyenEventDate, FakeAdyenNotifier, type FakeAdyenDelivery, type FakeNotificationItem } from './fake-adyen-notifications';

export { itemId, type FakeAdyenDelivery, type FakeAdyenEventCode, type FakeNotificationItem } from './fake-adyen-notifications';
import { settlementReportCsv } from './fake-adyen-report';

/** The API key the fake accepts unless told otherwise. */
export const FAKE_ADYEN_API_KEY = 'AQE_fake_returns_graph_adyen_api_key';
/** The merchant account the fake serves. */
export const FAKE_ADYEN_MERCHANT_ACCOUNT = 'ReturnsGraphECOM';
/** The HMAC key (hex, as the Customer Area shows it) the fake signs notifications with. */
export const FAKE_ADYEN_HMAC_KEY = '44782DEF547AAA06C910C43932B1EB0C71FC68D9D0C057550C48EC2ACF6BA056';
/**
 * Faults for the next refund requests: `http_500` answers 500 without executing (nothing stored
 * under the key); `hang` executes, stores the answer under the key, then never answers (the client
 * times out); `crash_after_create` executes, stores, then drops the connection.
 */
export type FakeAdyenFault = 'http_500' | 'hang' | 'crash_after_create';

/** One API request the fake saw, for assertions. */
export interface FakeAdyenRequestLog {
  method: string;
  path: string;
  idempotencyKey: string | null;
  outcome: 'executed' | 'replayed' | 'rejected' | FakeAdyenFault;
  status: number | null;
}

/** Options of `FakeAdyenServer.start`. */
export interface FakeAdyenServerOptions {
  apiKey?: string;
  merchantAccount?: string;
  hmacKey?: string;
  webhookUrl?: string;
}

interface StoredAnswer {
  fingerprint: string;
  answer: FakeAdyenAnswer;
}

/** The fake Adyen API, notification sender and report server. Start with `FakeAdyenServer.start()`, stop with `close()`. */
export class FakeAdyenServer {
  /** Every API and report request, in arrival order. */
  readonly requests: FakeAdyenRequestLog[] = [];
  readonly apiKey: string;
  readonly merchantAccount: string;
  readonly hmacKey: string;
  private readonly ledger = new FakeAdyenLedger();
  private readonly stored = new Map<string, StoredAnswer>();
  private readonly faults: FakeAdyenFault[] = [];
  private readonly reports = new Map<string, string>();
  private readonly sockets = new Set<Socket>();
  private notifyNextBeforeAnswer = 0;
  private readonly notifier: FakeAdyenNotifier;

  private constructor(
    private readonly server: Server,
    options: FakeAdyenServerOptions,
  ) {
    this.apiKey = options.apiKey ?? FAKE_ADYEN_API_KEY;
    this.merchantAccount = options.merchantAccount ?? FAKE_ADYEN_MERCHANT_ACCOUNT;
    this.hmacKey = options.hmacKey ?? FAKE_ADYEN_HMAC_KEY;
    this.notifier = new FakeAdyenNotifier(this.hmacKey, options.webhookUrl);
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Every notification item ever built, by id (`<pspReference>:<eventCode>:<success>`), for resends. */
  get items(): ReadonlyMap<string, FakeNotificationItem> {
    return this.notifier.items;
  }

  /** Where notifications are POSTed; unset: they are only stored. */
  get webhookUrl(): string | undefined {
    return this.notifier.webhookUrl;
  }

  set webhookUrl(url: string | undefined) {
    this.notifier.webhookUrl = url;
  }

  /** Starts the fake on 127.0.0.1 and a free port. */
  static async start(options: FakeAdyenServerOptions = {}): Promise<FakeAdyenServer> {
    const server = createServer();
    const fake = new FakeAdyenServer(server, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      fake.handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  /** The origin to give `AdyenGateway` as `apiBase` and `reportBase`. */
  get url(): string {
    const { port } = this.server.address() as { port: number };
    return `http://127.0.0.1:${port}`;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Registers a captured payment; `value` in Adyen's units. Returns the pspReference (a new one unless given). */
  addPayment(pspReference: string | null, value: number, currency: string): string {
    const psp = pspReference ?? fakePspReference();
    const payment: FakeAdyenPayment = { pspReference: psp, value, currency };
    this.ledger.addPayment(payment);
    return psp;
  }

  /** A refund modification, or undefined. */
  refund(pspReference: string): FakeAdyenRefund | undefined {
    return this.ledger.refund(pspReference);
  }

  /** How many refunds were really created against a payment. */
  refundsCreatedFor(paymentPspReference: string): number {
    return this.ledger.refundsCreatedFor(paymentPspReference);
  }

  /** Breaks the next `times` refund requests with `fault`. */
  injectFault(fault: FakeAdyenFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  /**
   * The next `times` refund creations send their `REFUND` success notification (and wait for the
   * endpoint's answer) BEFORE the API answers: the notification outruns our record of the refund.
   */
  notifyBeforeAnswer(times = 1): void {
    this.notifyNextBeforeAnswer += times;
  }

  /** Adyen processed the refund: a `REFUND` notification with `success` (false: refused, with `reason`). */
  settle(modificationPsp: string, success: boolean, reason = 'Refused'): Promise<FakeAdyenDelivery> {
    const refund = this.ledger.move(modificationPsp, success ? 'refunded' : 'failed');
    return this.notifier.send([this.notifier.aboutRefund(refund, 'REFUND', success, success ? undefined : reason)]);
  }

  /** The refund failed after a `REFUND` success (the card scheme returned it): `REFUND_FAILED`. */
  sendFailed(modificationPsp: string, reason = 'Refund returned by the issuer'): Promise<FakeAdyenDelivery> {
    const refund = this.ledger.move(modificationPsp, 'reversed');
    return this.notifier.send([this.notifier.aboutRefund(refund, 'REFUND_FAILED', true, reason)]);
  }

  /** The refunded money came back (`REFUNDED_REVERSED`). */
  sendReversed(modificationPsp: string, reason = 'Refund reversed'): Promise<FakeAdyenDelivery> {
    const refund = this.ledger.move(modificationPsp, 'reversed');
    return this.notifier.send([this.notifier.aboutRefund(refund, 'REFUNDED_REVERSED', true, reason)]);
  }

  /** A notification about something that is not a refund (a capture), correctly signed: to be ignored. */
  sendCapture(paymentPsp: string, value: number, currency: string): Promise<FakeAdyenDelivery> {
    const item = this.notifier.keep({
      additionalData: {},
      amount: { value, currency },
      eventCode: 'CAPTURE',
      eventDate: new Date().toISOString(),
      merchantAccountCode: this.merchantAccount,
      merchantReference: `order-${paymentPsp}`,
      originalReference: paymentPsp,
      pspReference: fakePspReference(),
      success: 'true',
    });
    return this.notifier.send([item]);
  }

  /** Sends the same stored items again (Adyen retries an unacknowledged notification unchanged). */
  resend(...ids: string[]): Promise<FakeAdyenDelivery> {
    return this.notifier.send(ids.map((id) => this.notifier.stored(id)));
  }

  /** Sends stored items together in one request (a batch). */
  sendBatch(ids: readonly string[]): Promise<FakeAdyenDelivery> {
    return this.notifier.send(ids.map((id) => this.notifier.stored(id)));
  }

  /**
   * Sends a stored item with its content changed after signing (`amount`: the value is raised;
   * `success`: flipped) or with a signature made with another key (`signature`).
   */
  sendTampered(id: string, how: 'amount' | 'success' | 'signature'): Promise<FakeAdyenDelivery> {
    const item = structuredClone(this.notifier.stored(id));
    if (how === 'amount') item.amount.value += 100;
    if (how === 'success') item.success = item.success === 'true' ? 'false' : 'true';
    if (how === 'signature') item.additionalData.hmacSignature = adyenHmacSignature(item, 'AA'.repeat(32));
    return this.notifier.post([item], [id]);
  }

  /** Publishes a settlement details report of every refund so far (and reversals) at the download path; returns its file name. */
  publishSettlementReport(batchNumber: number): string {
    const fileName = `settlement_detail_report_batch_${batchNumber}.csv`;
    this.reports.set(fileName, settlementReportCsv(this.merchantAccount, batchNumber, this.ledger.allRefunds()));
    return fileName;
  }

  /**
   * Announces a published report as Adyen does: a signed `REPORT_AVAILABLE` item whose
   * pspReference is the file name and whose reason is its download URL (amount 0, success true).
   */
  sendReportAvailable(fileName: string): Promise<FakeAdyenDelivery> {
    if (!this.reports.has(fileName)) throw new Error(`fake Adyen has published no report ${fileName}`);
    const item = this.notifier.keep({
      additionalData: {},
      amount: { value: 0, currency: 'EUR' },
      eventCode: 'REPORT_AVAILABLE',
      eventDate: adyenEventDate(),
      merchantAccountCode: this.merchantAccount,
      merchantReference: '',
      pspReference: fileName,
      reason: `${this.url}/reports/download/MerchantAccount/${encodeURIComponent(this.merchantAccount)}/${fileName}`,
      success: 'true',
    });
    return this.notifier.send([item]);
  }

  /** Publishes a report file with the given content (for malformed-report tests). */
  publishReport(fileName: string, csv: string): void {
    this.reports.set(fileName, csv);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const keyHeader = req.headers['idempotency-key'];
    const key = method === 'POST' && typeof keyHeader === 'string' ? keyHeader : null;
    const log: FakeAdyenRequestLog = { method, path, idempotencyKey: key, outcome: 'executed', status: null };
    this.requests.push(log);

    if (req.headers['x-api-key'] !== this.apiKey) {
      log.outcome = 'rejected';
      return send(res, log, adyenError(401, '000', 'HTTP Status Response - Unauthorized', 'security'));
    }
    const report = /^\/reports\/download\/MerchantAccount\/([^/]+)\/([^/]+)$/.exec(path);
    if (method === 'GET' && report) return this.download(res, log, decodeURIComponent(report[1] ?? ''), decodeURIComponent(report[2] ?? ''));
    const refund = /^\/v7[12]\/payments\/([^/]+)\/refunds$/.exec(path);
    if (method !== 'POST' || !refund) {
      log.outcome = 'rejected';
      return send(res, log, adyenError(404, '000', `Unknown path ${method} ${path}`, 'validation'));
    }
    const fault = this.faults.shift();
    if (fault === 'http_500') {
      log.outcome = fault;
      return send(res, log, adyenError(500, '905', 'Internal error (injected by the fake)', 'internal'));
    }
    const { answer, outcome } = await this.execute(decodeURIComponent(refund[1] ?? ''), raw, key);
    log.outcome = fault ?? outcome;
    if (fault === 'hang') return; // stored under the key; this connection never gets an answer
    if (fault === 'crash_after_create') {
      req.socket.destroy();
      return;
    }
    send(res, log, answer, key);
  }

  /** Adyen's idempotency layer around the refund route. */
  private async execute(
    paymentPsp: string,
    raw: string,
    key: string | null,
  ): Promise<{ answer: FakeAdyenAnswer; outcome: 'executed' | 'replayed' | 'rejected' }> {
    const fingerprint = `${paymentPsp}\n${canonical(raw)}`;
    if (key !== null) {
      const stored = this.stored.get(key);
      if (stored && stored.fingerprint !== fingerprint) {
        return { answer: adyenError(422, '702', `Idempotency-Key ${key} was already used with another request body`, 'validation'), outcome: 'rejected' };
      }
      if (stored) return { answer: stored.answer, outcome: 'replayed' };
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = null;
    }
    const invalid = this.ledger.validate(body, this.merchantAccount);
    if (invalid) return { answer: invalid, outcome: 'rejected' };
    const answer = this.ledger.createRefund(paymentPsp, body as Parameters<FakeAdyenLedger['createRefund']>[1]);
    if (key !== null) this.stored.set(key, { fingerprint, answer });
    if (answer.status === 201 && this.notifyNextBeforeAnswer > 0) {
      this.notifyNextBeforeAnswer -= 1;
      await this.settle(String(answer.body.pspReference), true);
    }
    return { answer, outcome: answer.status === 201 ? 'executed' : 'rejected' };
  }

  private download(res: ServerResponse, log: FakeAdyenRequestLog, account: string, fileName: string): void {
    const csv = account === this.merchantAccount ? this.reports.get(fileName) : undefined;
    if (csv === undefined) return send(res, log, adyenError(404, '000', `No report ${fileName} for ${account}`, 'validation'));
    log.status = 200;
    res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(csv);
  }
}

/** JSON with sorted keys: two bodies that differ only in key order are the same request. */
function canonical(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), (_key, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
        : value,
    );
  } catch {
    return raw;
  }
}

function send(res: ServerResponse, log: FakeAdyenRequestLog, answer: FakeAdyenAnswer, key: string | null = null): void {
  log.status = answer.status;
  const headers: Record<string, string> = { 'content-type': 'application/json;charset=UTF-8', 'psp-reference': fakePspReference() };
  if (key !== null) headers['idempotency-key'] = key;
  res.writeHead(answer.status, headers).end(JSON.stringify(answer.body));
}
