/**
 * The options of the Adyen adapter, validated once at construction: a wrong setting fails at
 * start-up with the contract and the value received, never at the first refund.
 */
import type { RecordWindow } from '../port';

/**
 * How long one HTTP attempt may take. A refund request answers `received` in well under 2 s (the
 * work happens after, reported by notification); when Adyen is slow we free the worker and retry
 * later with the same Idempotency-Key, which is always safe.
 */
export const DEFAULT_ADYEN_TIMEOUT_MS = 15_000;

/** Adyen's limit on an Idempotency-Key (https://docs.adyen.com/development-resources/api-idempotency). */
export const ADYEN_IDEMPOTENCY_KEY_MAX = 64;

/** Options of `AdyenGateway`. */
export interface AdyenGatewayOptions {
  /**
   * The API key of a web service user (`ws@Company.<name>`) with the role "Checkout webservice
   * role" (refunds) and, for `listRefunds`, report download access. Required: no default.
   */
  apiKey: string;
  /** The merchant account the payments were made on (sent in every refund). Required. */
  merchantAccount: string;
  /** `TEST` (checkout-test.adyen.com) or `LIVE`. Required: no default, so a test key is never sent to live by accident. */
  environment: 'TEST' | 'LIVE';
  /** The company's live URL prefix (`[random]-[company]` from Customer Area > Developers > API URLs). Required for LIVE. */
  liveEndpointUrlPrefix?: string;
  /** Origin the Checkout API is called on instead of Adyen's (tests, a proxy), e.g. `http://127.0.0.1:4100`. Default: Adyen's. */
  apiBase?: string;
  /** Origin reports are downloaded from instead of `https://ca-test.adyen.com` / `https://ca-live.adyen.com`. Default: Adyen's. */
  reportBase?: string;
  /** Per-attempt timeout in ms. Default `DEFAULT_ADYEN_TIMEOUT_MS`. */
  timeoutMs?: number;
  /**
   * The settlement details report files that cover `window` (e.g. `settlement_detail_report_batch_112.csv`),
   * as the app keeps them from `REPORT_AVAILABLE` notifications (`AdyenWebhookVerifier`'s
   * `onReportAvailable`). Adyen names these reports by batch, not by date, so the adapter cannot
   * guess them. Without it `listRefunds` throws. Default: none.
   */
  settlementReportNames?: (window: RecordWindow) => readonly string[] | Promise<readonly string[]>;
}

/** Options after validation. */
export interface AdyenGatewayConfig {
  apiKey: string;
  merchantAccount: string;
  environment: 'TEST' | 'LIVE';
  liveEndpointUrlPrefix: string | null;
  apiBase: URL | null;
  reportBase: URL;
  timeoutMs: number;
  settlementReportNames: AdyenGatewayOptions['settlementReportNames'] | null;
}

/** An http(s) origin, nothing after the host. */
function origin(name: string, value: string): URL {
  let url: URL | null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '') {
    throw new TypeError(`AdyenGateway ${name} must be an http(s) origin such as "http://127.0.0.1:4100", but got: ${value}`);
  }
  return url;
}

/** A secret's shape for an error message, never the secret itself. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return value === '' ? 'an empty string' : `a string of ${value.length} characters`;
}

/** The credentials and account, checked. */
function validatedAccount(options: AdyenGatewayOptions): Pick<AdyenGatewayConfig, 'apiKey' | 'merchantAccount' | 'environment' | 'liveEndpointUrlPrefix'> {
  if (typeof options.apiKey !== 'string' || options.apiKey.trim().length < 16) {
    throw new TypeError(`AdyenGateway needs apiKey, the API key of an Adyen web service user, but got: ${describe(options.apiKey)}`);
  }
  if (typeof options.merchantAccount !== 'string' || !/^[A-Za-z0-9_.-]{1,80}$/.test(options.merchantAccount)) {
    throw new TypeError(`AdyenGateway needs merchantAccount, the Adyen merchant account code, but got: ${String(options.merchantAccount)}`);
  }
  if (options.environment !== 'TEST' && options.environment !== 'LIVE') {
    throw new TypeError(`AdyenGateway environment must be "TEST" or "LIVE", but got: ${String(options.environment)}`);
  }
  const prefix = options.liveEndpointUrlPrefix ?? null;
  if (prefix !== null && !/^[a-z0-9]+(-[a-z0-9]+)*$/i.test(prefix)) {
    throw new TypeError(`AdyenGateway liveEndpointUrlPrefix must look like "1797a841fbb37ca7-AdyenDemo", but got: ${prefix}`);
  }
  if (options.environment === 'LIVE' && prefix === null && options.apiBase === undefined) {
    throw new TypeError(
      'AdyenGateway liveEndpointUrlPrefix is required when environment is "LIVE" (Customer Area > Developers > API URLs), but got: undefined',
    );
  }
  return { apiKey: options.apiKey, merchantAccount: options.merchantAccount, environment: options.environment, liveEndpointUrlPrefix: prefix };
}

/** Validates `AdyenGatewayOptions`, stating the contract and the value received. */
export function validatedAdyenOptions(options: AdyenGatewayOptions): AdyenGatewayConfig {
  const account = validatedAccount(options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_ADYEN_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`AdyenGateway timeoutMs must be a positive integer of milliseconds, but got: ${String(options.timeoutMs)}`);
  }
  if (options.settlementReportNames !== undefined && typeof options.settlementReportNames !== 'function') {
    throw new TypeError(`AdyenGateway settlementReportNames must be a function of a window, but got: ${typeof options.settlementReportNames}`);
  }
  const defaultReportBase = account.environment === 'LIVE' ? 'https://ca-live.adyen.com' : 'https://ca-test.adyen.com';
  return {
    ...account,
    apiBase: options.apiBase === undefined ? null : origin('apiBase', options.apiBase),
    reportBase: origin('reportBase', options.reportBase ?? defaultReportBase),
    timeoutMs,
    settlementReportNames: options.settlementReportNames ?? null,
  };
}
