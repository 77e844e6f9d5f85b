/**
 * The NetSuite connector's options, validated once at construction: a misconfigured connector fails
 * at start-up naming the option and the value it got, never on the first refund.
 */

/** Signing algorithms for the OAuth 2.0 client credentials assertion. Oracle lists PS256/ES256 (and larger); RS256 for older certificates. */
export const NETSUITE_JWT_ALGORITHMS = ['PS256', 'ES256', 'RS256'] as const;
/** One of `NETSUITE_JWT_ALGORITHMS`. */
export type NetSuiteJwtAlgorithm = (typeof NETSUITE_JWT_ALGORITHMS)[number];

/** OAuth 2.0 client credentials (machine to machine): a JWT signed with the key of the certificate mapped to the integration. */
export interface NetSuiteOAuth2Options {
  kind: 'oauth2-m2m';
  /** The integration record's client ID (the assertion's `iss`). */
  clientId: string;
  /** The certificate ID NetSuite showed when the public certificate was mapped (the assertion's `kid`). */
  certificateId: string;
  /** The certificate's private key, PKCS#8 PEM. */
  privateKeyPem: string;
  /** Default `PS256`. */
  algorithm?: NetSuiteJwtAlgorithm;
}

/** Token-based authentication (OAuth 1.0a, HMAC-SHA256): the integration's consumer pair and a user's access token pair. */
export interface NetSuiteTbaOptions {
  kind: 'tba';
  consumerKey: string;
  consumerSecret: string;
  tokenId: string;
  tokenSecret: string;
}

/** How the connector proves who it is. */
export type NetSuiteAuthOptions = NetSuiteOAuth2Options | NetSuiteTbaOptions;

/** How a credit memo's sales order is found from our order number. */
export type SalesOrderLookup = 'externalId' | 'otherRefNum';

/** Options of `NetSuiteErp`. Internal ids are NetSuite's (strings of digits). */
export interface NetSuiteErpOptions {
  /** The account id as NetSuite writes it, e.g. `1234567` or `1234567_SB1` (a sandbox). */
  accountId: string;
  auth: NetSuiteAuthOptions;
  /** Base URL of the REST services; default `https://<account host>.suitetalk.api.netsuite.com` (tests point it at a fake). */
  apiBase?: string;
  /** Per request; default `DEFAULT_TIMEOUT_MS`. A timed-out call is `ErpUnavailableError` (the retry finds what was booked by external id). */
  timeoutMs?: number;
  /**
   * How the sales order of a memo is found: `otherRefNum` (default; SuiteQL on the order's PO/reference
   * field, where most commerce connectors write the web order number) or `externalId` (`eid:<orderNumber>`).
   */
  salesOrderLookup?: SalesOrderLookup;
  /** ISO 4217 code → currency internal id, for every currency we refund in. Required: NetSuite references currencies by id. */
  currencyIds: Readonly<Record<string, string>>;
  /** The customer of a memo with no order to transform (or when customers are not looked up). */
  defaultCustomerId: string;
  /** `externalId` (our customer id is the customer's external id) or `default` (always `defaultCustomerId`, the default). */
  customerLookup?: 'externalId' | 'default';
  /** Subsidiary of created memos and adjustments (OneWorld accounts); omitted when unset. */
  subsidiaryId?: string;
  /** Our location id → NetSuite location id; a location not listed uses `defaultLocationId`. */
  locationIds?: Readonly<Record<string, string>>;
  /** The location of created memos and of stock at a location not in `locationIds`. */
  defaultLocationId: string;
  /** SKU → item internal id; SKUs not listed are looked up by `itemid` with SuiteQL (and remembered). */
  itemIds?: Readonly<Record<string, string>>;
  /** Item of memo lines without a SKU (e.g. goodwill): a non-inventory or other charge item. */
  miscellaneousItemId: string;
  /** Other charge item for refunded shipping. */
  shippingItemId: string;
  /** Other charge item (to restocking fee income) for the fee kept; booked as a negative line. */
  restockingFeeItemId: string;
  /** Other charge item posting to sales tax payable: our tax amounts are booked exactly, not recomputed. */
  salesTaxItemId: string;
  /** Account of inventory adjustments (stock leaving or arriving without a return authorization). */
  adjustmentAccountId: string;
  /** The clock of token expiry and assertion times; default `Date.now` (tests pass a fake's clock). */
  now?: () => number;
}

/** A request that has not answered in this long is abandoned: NetSuite's own REST timeout is minutes, but a posting is retried safely by external id. */
export const DEFAULT_TIMEOUT_MS = 30_000;

const INTERNAL_ID = /^\d{1,20}$/;

/** `1234567_SB1` → `1234567-sb1`, the form in NetSuite host names. */
export function accountHost(accountId: string): string {
  return accountId.toLowerCase().replace(/_/g, '-');
}

/** The default REST base URL of an account. */
export function defaultApiBase(accountId: string): string {
  return `https://${accountHost(accountId)}.suitetalk.api.netsuite.com`;
}

/** Throws an Error naming every bad option and the value received. */
export function assertValidNetSuiteOptions(options: NetSuiteErpOptions): void {
  const problems: string[] = [];
  const internalId = (name: string, value: unknown): void => {
    if (typeof value !== 'string' || !INTERNAL_ID.test(value)) problems.push(`${name} must be a NetSuite internal id (digits), got ${JSON.stringify(value)}`);
  };
  if (options === null || typeof options !== 'object') throw new Error(`NetSuiteErp needs an options object, got ${JSON.stringify(options)}`);
  if (typeof options.accountId !== 'string' || !/^\d+(_[A-Za-z]+\d*)?$/.test(options.accountId))
    problems.push(`accountId must look like 1234567 or 1234567_SB1, got ${JSON.stringify(options.accountId)}`);
  problems.push(...authProblems(options.auth));
  if (options.apiBase !== undefined && !/^https?:\/\/[^/]+$/.test(options.apiBase))
    problems.push(`apiBase must be an origin like https://host:port without a path, got ${JSON.stringify(options.apiBase)}`);
  if (options.timeoutMs !== undefined && (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0))
    problems.push(`timeoutMs must be a positive integer, got ${JSON.stringify(options.timeoutMs)}`);
  problems.push(...choiceProblems('salesOrderLookup', options.salesOrderLookup, ['externalId', 'otherRefNum']));
  problems.push(...choiceProblems('customerLookup', options.customerLookup, ['externalId', 'default']));
  problems.push(...mapProblems('currencyIds', options.currencyIds, /^[A-Z]{3}$/, true));
  problems.push(...mapProblems('locationIds', options.locationIds, /^.{1,200}$/, false));
  problems.push(...mapProblems('itemIds', options.itemIds, /^.{1,100}$/, false));
  for (const name of [
    'defaultCustomerId',
    'defaultLocationId',
    'miscellaneousItemId',
    'shippingItemId',
    'restockingFeeItemId',
    'salesTaxItemId',
    'adjustmentAccountId',
  ] as const)
    internalId(name, options[name]);
  if (options.subsidiaryId !== undefined) internalId('subsidiaryId', options.subsidiaryId);
  if (options.now !== undefined && typeof options.now !== 'function') problems.push('now must be a function returning epoch milliseconds');
  if (problems.length > 0) throw new Error(`NetSuiteErp options are invalid: ${problems.join('; ')}`);
}

function choiceProblems(name: string, value: unknown, choices: readonly string[]): string[] {
  if (value === undefined || choices.includes(value as string)) return [];
  return [`${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${JSON.stringify(value)}`];
}

function authProblems(auth: NetSuiteAuthOptions | undefined): string[] {
  const problems: string[] = [];
  const text = (name: string, value: unknown): void => {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`auth.${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  };
  if (auth?.kind === 'oauth2-m2m') {
    text('clientId', auth.clientId);
    text('certificateId', auth.certificateId);
    if (typeof auth.privateKeyPem !== 'string' || !auth.privateKeyPem.includes('-----BEGIN PRIVATE KEY-----'))
      problems.push('auth.privateKeyPem must be a PKCS#8 PEM private key ("-----BEGIN PRIVATE KEY-----")');
    if (auth.algorithm !== undefined && !NETSUITE_JWT_ALGORITHMS.includes(auth.algorithm))
      problems.push(`auth.algorithm must be one of ${NETSUITE_JWT_ALGORITHMS.join(', ')}, got ${JSON.stringify(auth.algorithm)}`);
  } else if (auth?.kind === 'tba') {
    for (const name of ['consumerKey', 'consumerSecret', 'tokenId', 'tokenSecret'] as const) text(name, auth[name]);
  } else {
    problems.push(`auth.kind must be 'oauth2-m2m' or 'tba', got ${JSON.stringify((auth as { kind?: unknown } | undefined)?.kind)}`);
  }
  return problems;
}

function mapProblems(name: string, map: Readonly<Record<string, string>> | undefined, keyPattern: RegExp, required: boolean): string[] {
  if (map === undefined) return required ? [`${name} must map codes to NetSuite internal ids`] : [];
  if (map === null || typeof map !== 'object') return [`${name} must be an object, got ${JSON.stringify(map)}`];
  const problems: string[] = [];
  if (required && Object.keys(map).length === 0) problems.push(`${name} must name at least one entry`);
  for (const [key, value] of Object.entries(map)) {
    if (!keyPattern.test(key)) problems.push(`${name} has a malformed key ${JSON.stringify(key)}`);
    if (typeof value !== 'string' || !INTERNAL_ID.test(value))
      problems.push(`${name}.${key} must be a NetSuite internal id (digits), got ${JSON.stringify(value)}`);
  }
  return problems;
}
