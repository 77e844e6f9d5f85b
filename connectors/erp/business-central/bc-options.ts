/**
 * Options of the Business Central adapter, validated once at construction: a wrong setting fails
 * at start-up with the contract and the value received, never at the first refund.
 */
import { isCurrencyCode } from '../../../platform/money';
import type { ErpStockMovement } from '../port';
import type { ThrottleOptions } from '../throttle';

/** Business Central online's API host. */
export const DEFAULT_BC_API_BASE = 'https://api.businesscentral.dynamics.com';

/** Microsoft Entra ID's global authority host (sovereign clouds have their own). */
export const DEFAULT_BC_AUTHORITY_HOST = 'https://login.microsoftonline.com';

/**
 * How long one HTTP attempt may take. BC aborts operations after 8 minutes; a credit memo call
 * answers in a few seconds, and when BC is slow we would rather free the worker and retry later
 * (always safe: we look the memo up by its external document number first) than hold it.
 */
export const DEFAULT_BC_TIMEOUT_MS = 30_000;

/**
 * Pace of our HTTP requests to BC, per adapter instance. BC online allows 6,000 requests per
 * user in a 5-minute sliding window (20/s) and 100 in flight; one posting is about 14
 * requests, so the pace is set per request, not per posting, at 15/s evenly spaced, leaving a
 * quarter of the budget to the tenant's other integrations, and 5 in flight.
 */
export const DEFAULT_BC_REQUEST_LIMITS: Required<ThrottleOptions> = { requestsPerSecond: 15, burst: 1, maxConcurrency: 5 };

/** 429s ridden out inside one posting before it steps back as unavailable: a 429 executed nothing, so a retry is always safe. */
export const DEFAULT_BC_MAX_THROTTLE_RETRIES = 2;

/** Longest `Retry-After` we wait for inside a call; a longer one is handed to the caller (`ErpUnavailableError.retryAfterMs`). */
export const DEFAULT_BC_MAX_THROTTLE_WAIT_MS = 10_000;

/** BC's `externalDocumentNumber` is Code/Text[35]: our refund id must fit, or the lookup breaks. */
export const BC_EXTERNAL_DOCUMENT_NUMBER_MAX = 35;

/** The G/L accounts the non-merchandise parts of a memo are booked to (BC account numbers). */
export interface BusinessCentralAccounts {
  /** Shipping refunded (e.g. a "Freight" income account). Required. */
  shipping: string;
  /** Restocking fee kept (an income account); booked as a negative line. Required. */
  restockingFee: string;
  /** Our exact sales tax refunded (the sales tax payable account): see README "Tax". Required. */
  tax: string;
  /**
   * Merchandise lines without a SKU, or whose SKU is not an item in BC (e.g. a sales-returns
   * account). Optional: without it such a line is refused (`ITEM_NOT_FOUND`), not guessed.
   */
  merchandise?: string;
}

/** Options of `BusinessCentralErp`. */
export interface BusinessCentralOptions {
  /** Entra tenant (directory) id, a GUID or a domain such as `contoso.onmicrosoft.com`. Required. */
  tenantId: string;
  /** BC environment name, e.g. `production` or `sandbox`. Required. */
  environment: string;
  /** The company's id (a GUID, from `GET companies`). Required. */
  companyId: string;
  /** Application (client) id of the Entra app registration. Required. */
  clientId: string;
  /** A client secret of that app. Give this or `clientCertificate`. */
  clientSecret?: string;
  /** A certificate of that app instead of a secret: PEM private key and its SHA-256 thumbprint (hex). */
  clientCertificate?: { thumbprintSha256: string; privateKey: string };
  /** The company's local currency (LCY), which BC writes as an empty `currencyCode`. Required: a wrong guess mis-books. */
  localCurrency: string;
  /** G/L accounts of the non-item lines. Required. */
  accounts: BusinessCentralAccounts;
  /**
   * How merchandise lines are booked: `item` (default) as Item lines when the SKU is a BC item —
   * BC then puts the line's quantity (1: our lines carry amounts, not units) back into inventory
   * when the memo posts; `account` always on `accounts.merchandise`, touching no inventory (for a
   * BC whose stock is moved by another integration). `account` needs `accounts.merchandise`.
   */
  merchandiseAs?: 'item' | 'account';
  /** Customer number for refunds whose customer is not a BC customer (e.g. a "web customers" account). Optional: without it they are refused. */
  defaultCustomerNumber?: string;
  /**
   * Tax group (US) or VAT product posting group (elsewhere) put on every line, one that BC
   * computes no tax for (e.g. `NONTAXABLE`), because our exact tax travels on its own G/L line.
   * Optional: without it BC computes tax from the item or account, and a total that then differs
   * from ours is refused before posting (`TOTAL_MISMATCH`).
   */
  nonTaxableTaxCode?: string;
  /** API host. Default `DEFAULT_BC_API_BASE`; tests point it at the fake (http allowed). */
  apiBase?: string;
  /** Entra authority host. Default `DEFAULT_BC_AUTHORITY_HOST`; must be https (msal insists). */
  authorityHost?: string;
  /** Per-attempt timeout in ms. Default `DEFAULT_BC_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Pace of HTTP requests (rate, burst, in flight). Default `DEFAULT_BC_REQUEST_LIMITS`. */
  requestLimits?: ThrottleOptions;
  /** 429s retried within a call, honouring `Retry-After`. Default `DEFAULT_BC_MAX_THROTTLE_RETRIES`. */
  maxThrottleRetries?: number;
  /** Longest `Retry-After` waited for within a call. Default `DEFAULT_BC_MAX_THROTTLE_WAIT_MS`. */
  maxThrottleWaitMs?: number;
  /**
   * Where stock movements are booked, since BC API v2.0 has no write for item ledger entries
   * (see README). `app/` may pass the reference ERP (our own `erp` schema). Default: none, and
   * `postStockMovements` books nothing and answers 0.
   */
  stockLedger?: { postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> };
  /**
   * The tenant's OpenID configuration as JSON (msal's `authorityMetadata`), so msal skips its
   * discovery request. Test-only in practice: the fake passes one whose token endpoint is its
   * own http address. Default: none (msal discovers it from the authority).
   */
  authorityMetadata?: string;
}

/** The options after validation, defaults applied. */
export interface ValidatedBusinessCentralOptions extends Omit<
  BusinessCentralOptions,
  'apiBase' | 'authorityHost' | 'timeoutMs' | 'requestLimits' | 'maxThrottleRetries' | 'maxThrottleWaitMs'
> {
  requestLimits: ThrottleOptions;
  maxThrottleRetries: number;
  maxThrottleWaitMs: number;
  /** `…/v2.0/<tenant>/<environment>/api/v2.0/companies(<id>)`, no trailing slash. */
  companyUrl: string;
  /** The API host's origin, which every `@odata.nextLink` must stay on. */
  apiOrigin: string;
  authority: string;
  authorityHost: string;
  timeoutMs: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
/** BC Code[20] values: customer, item and G/L account numbers. */
const BC_CODE = /^[^\s'][^']{0,19}$/;

function fail(option: string, contract: string, got: unknown): never {
  const shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  throw new TypeError(`BusinessCentralErp ${option} must be ${contract}, but got: ${shown}`);
}

function httpUrl(option: string, value: string, httpsOnly: boolean): URL {
  let url: URL | null = null;
  try {
    url = new URL(value);
  } catch {
    url = null;
  }
  const protocols = httpsOnly ? ['https:'] : ['http:', 'https:'];
  if (!url || !protocols.includes(url.protocol) || url.pathname !== '/' || url.search !== '') {
    fail(option, `an ${httpsOnly ? 'https' : 'http(s)'} origin such as "${httpsOnly ? DEFAULT_BC_AUTHORITY_HOST : DEFAULT_BC_API_BASE}"`, value);
  }
  return url;
}

function validatedCredentials(options: BusinessCentralOptions): void {
  if (typeof options.clientId !== 'string' || !GUID.test(options.clientId)) fail('clientId', 'the app registration’s client id (a GUID)', options.clientId);
  const hasSecret = options.clientSecret !== undefined;
  const hasCertificate = options.clientCertificate !== undefined;
  if (hasSecret === hasCertificate) fail('clientSecret/clientCertificate', 'exactly one of the two', hasSecret ? 'both' : 'neither');
  if (hasSecret && (typeof options.clientSecret !== 'string' || options.clientSecret.length < 8)) fail('clientSecret', 'a client secret string', '(hidden)');
  const certificate = options.clientCertificate;
  if (certificate && (!/^[0-9a-f]{64}$/i.test(String(certificate.thumbprintSha256)) || !String(certificate.privateKey).includes('PRIVATE KEY'))) {
    fail('clientCertificate', '{ thumbprintSha256: 64 hex digits, privateKey: a PEM private key }', '(hidden)');
  }
}

function validatedAccounts(accounts: BusinessCentralAccounts | undefined): void {
  if (typeof accounts !== 'object' || accounts === null) fail('accounts', '{ shipping, restockingFee, tax, merchandise? } G/L account numbers', accounts);
  for (const key of ['shipping', 'restockingFee', 'tax'] as const) {
    if (typeof accounts[key] !== 'string' || !BC_CODE.test(accounts[key]))
      fail(`accounts.${key}`, 'a G/L account number (1 to 20 characters, no quotes)', accounts[key]);
  }
  if (accounts.merchandise !== undefined && !BC_CODE.test(accounts.merchandise)) {
    fail('accounts.merchandise', 'a G/L account number when given', accounts.merchandise);
  }
}

function validatedIdentity(options: BusinessCentralOptions): void {
  const { tenantId, environment, companyId } = options;
  if (typeof tenantId !== 'string' || !(GUID.test(tenantId) || DOMAIN.test(tenantId))) fail('tenantId', 'an Entra tenant id (GUID) or domain', tenantId);
  if (typeof environment !== 'string' || !/^[A-Za-z0-9_-]{1,30}$/.test(environment))
    fail('environment', 'a BC environment name such as "production"', environment);
  if (typeof companyId !== 'string' || !GUID.test(companyId)) fail('companyId', 'the company’s id (a GUID)', companyId);
}

function validatedBooking(options: BusinessCentralOptions): void {
  if (typeof options.localCurrency !== 'string' || !isCurrencyCode(options.localCurrency))
    fail('localCurrency', 'an ISO 4217 code we support', options.localCurrency);
  validatedAccounts(options.accounts);
  if (options.merchandiseAs !== undefined && options.merchandiseAs !== 'item' && options.merchandiseAs !== 'account') {
    fail('merchandiseAs', '"item" or "account"', options.merchandiseAs);
  }
  if (options.merchandiseAs === 'account' && options.accounts.merchandise === undefined)
    fail('accounts.merchandise', 'given when merchandiseAs is "account"', undefined);
  if (options.defaultCustomerNumber !== undefined && !BC_CODE.test(options.defaultCustomerNumber)) {
    fail('defaultCustomerNumber', 'a customer number (1 to 20 characters, no quotes)', options.defaultCustomerNumber);
  }
  if (options.nonTaxableTaxCode !== undefined && !BC_CODE.test(options.nonTaxableTaxCode))
    fail('nonTaxableTaxCode', 'a tax group code', options.nonTaxableTaxCode);
  if (options.stockLedger !== undefined && typeof options.stockLedger?.postStockMovements !== 'function') {
    fail('stockLedger', 'an object with postStockMovements (e.g. the reference ERP)', options.stockLedger);
  }
}

function wholeNumber(option: string, value: number | undefined, fallback: number, min: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min) fail(option, `an integer >= ${min}`, value);
  return chosen;
}

function validatedConnection(options: BusinessCentralOptions): Pick<ValidatedBusinessCentralOptions, 'timeoutMs' | 'maxThrottleRetries' | 'maxThrottleWaitMs'> {
  const timeoutMs = wholeNumber('timeoutMs', options.timeoutMs, DEFAULT_BC_TIMEOUT_MS, 1);
  const maxThrottleRetries = wholeNumber('maxThrottleRetries', options.maxThrottleRetries, DEFAULT_BC_MAX_THROTTLE_RETRIES, 0);
  const maxThrottleWaitMs = wholeNumber('maxThrottleWaitMs', options.maxThrottleWaitMs, DEFAULT_BC_MAX_THROTTLE_WAIT_MS, 0);
  if (options.authorityMetadata !== undefined) {
    try {
      JSON.parse(options.authorityMetadata);
    } catch {
      fail('authorityMetadata', 'a JSON OpenID configuration', '(not JSON)');
    }
  }
  return { timeoutMs, maxThrottleRetries, maxThrottleWaitMs };
}

/** Throws a `TypeError` naming the first bad option; returns the options with defaults applied. */
export function validateBusinessCentralOptions(options: BusinessCentralOptions): ValidatedBusinessCentralOptions {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  validatedIdentity(options);
  validatedCredentials(options);
  validatedBooking(options);
  const connection = validatedConnection(options);
  const api = httpUrl('apiBase', options.apiBase ?? DEFAULT_BC_API_BASE, false);
  const authorityHost = httpUrl('authorityHost', options.authorityHost ?? DEFAULT_BC_AUTHORITY_HOST, true);
  return {
    ...options,
    ...connection,
    requestLimits: options.requestLimits ?? DEFAULT_BC_REQUEST_LIMITS,
    apiOrigin: api.origin,
    companyUrl: `${api.origin}/v2.0/${encodeURIComponent(options.tenantId)}/${options.environment}/api/v2.0/companies(${options.companyId})`,
    authorityHost: authorityHost.origin,
    authority: `${authorityHost.origin}/${options.tenantId}`,
  };
}
