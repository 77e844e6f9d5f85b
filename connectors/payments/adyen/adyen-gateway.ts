/**
 * The Adyen adapter of the payment port, on the official `@adyen/api-library` (Checkout
 * `ModificationsApi.refundCapturedPayment`). Every refund carries `providerIdempotencyKey(refundId)`
 * as its Idempotency-Key and our key as its merchant `reference`, so a retry after a timeout, a 5xx
 * or a crash on either side gets Adyen's stored answer for the SAME refund, and the notification
 * that settles it names our tender.
 *
 * Adyen answers a refund request with `status: "received"` only; whether it succeeded arrives later
 * as a `REFUND` notification (`adyen-webhooks.ts`), and Adyen has no API to read a modification's
 * status. So `settlesByWebhookOnly` is true: the executor does not poll `getRefund`.
 */
import { CheckoutAPI, Client, EnvironmentEnum, Types } from '@adyen/api-library';
import {
  PaymentDeclinedError,
  PaymentUnavailableError,
  providerIdempotencyKey,
  type PaymentGateway,
  type ProviderRefund,
  type ProviderRefundRecord,
  type RecordWindow,
  type RefundRequest,
} from '../port';
import { fromAdyenValue, toAdyenValue } from './adyen-amounts';
import { paymentErrorFromAdyen } from './adyen-errors';
import { AdyenHttpClient } from './adyen-http';
import { ADYEN_IDEMPOTENCY_KEY_MAX, validatedAdyenOptions, type AdyenGatewayConfig, type AdyenGatewayOptions } from './adyen-options';
import { refundRecordsFromSettlementReport } from './adyen-settlement-report';

/**
 * Refunds this process created and still remembers, for `getRefund` (Adyen cannot be asked). Enough
 * for a day of refunds of a busy shop; the oldest are forgotten first.
 */
const REMEMBERED_REFUNDS = 10_000;

/** Our reasons → Adyen's `merchantRefundReason`; any other reason is not sent (it is optional). */
const MERCHANT_REFUND_REASONS: Readonly<Record<string, Types.checkout.PaymentRefundRequest.MerchantRefundReasonEnum>> = {
  requested_by_customer: Types.checkout.PaymentRefundRequest.MerchantRefundReasonEnum.CustomerRequest,
  fraudulent: Types.checkout.PaymentRefundRequest.MerchantRefundReasonEnum.Fraud,
  duplicate: Types.checkout.PaymentRefundRequest.MerchantRefundReasonEnum.Duplicate,
  return: Types.checkout.PaymentRefundRequest.MerchantRefundReasonEnum.Return,
};

/** Refunds through Adyen. One instance per merchant account; safe to share across requests. */
export class AdyenGateway implements PaymentGateway {
  /** Matches `Payment.provider` of orders paid through Adyen. */
  readonly provider = 'adyen';
  /** Adyen reports a refund's outcome only by notification: the executor must not poll `getRefund`. */
  readonly settlesByWebhookOnly = true;
  private readonly config: AdyenGatewayConfig;
  private readonly checkout: CheckoutAPI;
  private readonly created = new Map<string, ProviderRefund>();

  constructor(options: AdyenGatewayOptions) {
    this.config = validatedAdyenOptions(options);
    const client = new Client(
      {
        apiKey: this.config.apiKey,
        environment: this.config.environment === 'LIVE' ? EnvironmentEnum.LIVE : EnvironmentEnum.TEST,
        ...(this.config.liveEndpointUrlPrefix !== null && { liveEndpointUrlPrefix: this.config.liveEndpointUrlPrefix }),
        connectionTimeoutMillis: this.config.timeoutMs,
        applicationName: 'returns-graph',
      },
      new AdyenHttpClient(this.config.timeoutMs, this.config.apiBase),
    );
    this.checkout = new CheckoutAPI(client);
  }

  /** Asks Adyen to refund (or, for a key seen before, gets the answer it already gave). Answers PENDING. */
  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    const idempotencyKey = providerIdempotencyKey(request.refundId);
    if (idempotencyKey.length > ADYEN_IDEMPOTENCY_KEY_MAX) {
      throw new PaymentDeclinedError(
        `Idempotency-Key "${idempotencyKey}" is longer than Adyen's ${ADYEN_IDEMPOTENCY_KEY_MAX} characters`,
        'invalid_idempotency_key',
      );
    }
    if (request.paymentReference === '') throw new PaymentDeclinedError('the payment has no Adyen pspReference', 'invalid_payment_reference');
    const currency = request.currency.toUpperCase();
    const body: Types.checkout.PaymentRefundRequest = {
      amount: { value: toAdyenValue(request.amountMinor, currency), currency },
      merchantAccount: this.config.merchantAccount,
      reference: request.refundId,
      ...(request.reason !== undefined && MERCHANT_REFUND_REASONS[request.reason] && { merchantRefundReason: MERCHANT_REFUND_REASONS[request.reason] }),
    };
    try {
      const answer = await this.checkout.ModificationsApi.refundCapturedPayment(request.paymentReference, body, { idempotencyKey });
      const refund: ProviderRefund = {
        providerRefundId: answer.pspReference,
        // `received` is the only status Adyen gives; the outcome comes by notification.
        status: 'PENDING',
        amountMinor: fromAdyenValue(answer.amount.value, answer.amount.currency),
        currency: answer.amount.currency.toUpperCase(),
        failureReason: null,
      };
      this.remember(refund);
      return refund;
    } catch (error) {
      throw paymentErrorFromAdyen(error);
    }
  }

  /**
   * Adyen has no API to read a refund: for a refund this process created, the answer it got
   * (PENDING, since only a notification moves it); for any other, `PaymentUnavailableError` — the
   * outcome will arrive by notification. Callers that know `settlesByWebhookOnly` do not call this.
   */
  async getRefund(providerRefundId: string): Promise<ProviderRefund> {
    const known = this.created.get(providerRefundId);
    if (known) return { ...known };
    throw new PaymentUnavailableError(`Adyen has no API to read refund ${providerRefundId}; its outcome arrives as a REFUND notification`);
  }

  /**
   * Refunds Adyen booked in `window`, from the settlement details reports `settlementReportNames`
   * names for it, downloaded with the API key. Throws `PaymentUnavailableError` when a report cannot
   * be downloaded now, and an Error when no report names are configured.
   */
  async listRefunds(window: RecordWindow): Promise<ProviderRefundRecord[]> {
    if (!this.config.settlementReportNames) {
      throw new Error('AdyenGateway.listRefunds needs the settlementReportNames option (report names from REPORT_AVAILABLE notifications)');
    }
    const names = await this.config.settlementReportNames(window);
    const byId = new Map<string, ProviderRefundRecord>();
    for (const name of names) {
      for (const record of refundRecordsFromSettlementReport(await this.downloadReport(name), window)) byId.set(record.providerRefundId, record);
    }
    return [...byId.values()];
  }

  /** One report file from `/reports/download/MerchantAccount/<account>/<file>`. */
  private async downloadReport(fileName: string): Promise<string> {
    if (!/^[\w.-]+\.csv$/.test(fileName)) throw new Error(`"${fileName}" is not an Adyen report file name`);
    const url = new URL(`/reports/download/MerchantAccount/${encodeURIComponent(this.config.merchantAccount)}/${fileName}`, this.config.reportBase);
    let response: Response;
    try {
      response = await fetch(url, { headers: { 'x-api-key': this.config.apiKey }, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (error) {
      throw new PaymentUnavailableError(`Adyen report ${fileName} could not be downloaded: ${error instanceof Error ? error.message : String(error)}`);
    }
    const text = await response.text();
    if (!response.ok) throw new PaymentUnavailableError(`Adyen report ${fileName} could not be downloaded: HTTP ${response.status}`);
    return text;
  }

  private remember(refund: ProviderRefund): void {
    this.created.delete(refund.providerRefundId);
    this.created.set(refund.providerRefundId, refund);
    if (this.created.size > REMEMBERED_REFUNDS) this.created.delete(this.created.keys().next().value as string);
  }
}
