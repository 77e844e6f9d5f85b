import { z } from 'zod';
import { DEFAULT_SETTLEMENT_DELAY_MS, MAX_SETTLEMENT_DELAY_MS } from '../connectors/payments/simulated/simulated-options';
import { DEFAULT_INTROSPECTION_POLICY, INTROSPECTION_POLICIES, type IntrospectionPolicy } from '../gateway/plugins/introspection';
import { LOG_LEVELS } from '../platform/logger';

/** Default ports of the services; each can be overridden by its env variable. */
export const DEFAULT_PORTS = { gateway: 4000, orders: 4001, returns: 4002, inventory: 4003, refunds: 4004, registry: 4005 } as const;

/** Services `app/service.ts` runs, one per process. */
export const SERVICES = ['gateway', 'registry', 'orders', 'returns', 'inventory', 'refunds'] as const;
/** One of `SERVICES`. */
export type Service = (typeof SERVICES)[number];

/** The four-eyes threshold unless `REFUNDS_SECOND_APPROVER_ABOVE_MINOR` says otherwise: 500.00. */
export const DEFAULT_SECOND_APPROVER_ABOVE_MINOR = 50_000;

/** The demo retailer's returns warehouse: where ship-back units go unless configured otherwise. */
export const DEFAULT_RETURN_LOCATION_ID = 'loc_wh_nj';

// ---- Kinds of value. Each states its contract, because the message is all an operator sees. ----

/**
 * A whole number in decimal digits from `min` to `max`. Digits only: `Number()` would read "" as 0
 * (PORT= would pick a random port) and "abc" as NaN (a threshold that every comparison passes).
 */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}, in digits`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const port = wholeNumber(0, 65_535);
const amountMinor = wholeNumber(0, Number.MAX_SAFE_INTEGER);
const url = (protocol: RegExp, what: string) => z.url({ protocol, error: `must be a ${what} URL` });
const httpUrl = url(/^https?$/, 'http:// or https://');
const host = z.union([z.hostname(), z.ipv6()], { error: 'must be a host name or an IP address' });
/** A secret of at least `min` characters; its value never appears in an error message (see SECRETS). */
const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`);

/** Internal ids of NetSuite records: digits. */
const netsuiteId = z.string().regex(/^\d{1,12}$/, 'must be a NetSuite internal id (digits)');
/** `key=id` pairs separated by commas, each key once: how our codes map to an ERP's internal ids. */
const idMap = (key: string, what: string) =>
  z
    .string()
    .regex(new RegExp(`^${key}=\\d{1,12}(,${key}=\\d{1,12})*$`), `must be ${what}=<internal id> pairs separated by commas`)
    .refine((pairs) => {
      const keys = pairs.split(',').map((pair) => pair.slice(0, pair.indexOf('=')));
      return new Set(keys).size === keys.length;
    }, 'must name each key once')
    .transform((pairs) => Object.fromEntries(pairs.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])));

/** True for the JSON text of an object with a `kty`, the one member every JWK has. */
function isJwkJson(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { kty?: unknown }).kty === 'string';
  } catch {
    return false;
  }
}

// ---- Groups of settings. Add a setting to the group it belongs to, or add a group. ----

/** Where the state lives. */
const storage = {
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  DATABASE_URL: url(/^postgres(ql)?$/, 'postgres:// or postgresql://').optional(),
  /** Folder for PGlite's files; absent means in memory (fresh demo data every start). */
  PGLITE_DATA_DIR: z.string().min(1).optional(),
  /** Redis connection string; absent means the in-process event bus. */
  REDIS_URL: url(/^rediss?$/, 'redis:// or rediss://').optional(),
  /** Prefix of every Redis key; give each deployment sharing a Redis its own. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,100}$/, 'must be 1 to 100 of A-Z a-z 0-9 : _ -')
    .default('returns-graph'),
};

/** Where each process listens, and how services find each other. */
const network = {
  /** The address every server of the process listens on; default loopback. `0.0.0.0` listens on all. */
  HOST: host.default('127.0.0.1'),
  /** The host subgraphs publish in their routing URL (http://<PUBLIC_HOST>:<port>/graphql). */
  PUBLIC_HOST: host.default('127.0.0.1'),
  PORT: port.default(DEFAULT_PORTS.gateway),
  ORDERS_PORT: port.default(DEFAULT_PORTS.orders),
  RETURNS_PORT: port.default(DEFAULT_PORTS.returns),
  INVENTORY_PORT: port.default(DEFAULT_PORTS.inventory),
  REFUNDS_PORT: port.default(DEFAULT_PORTS.refunds),
  REGISTRY_PORT: port.default(DEFAULT_PORTS.registry),
  /** Base URL of the schema registry, for the gateway and for subgraphs publishing themselves. */
  REGISTRY_URL: httpUrl.optional(),
  /** How often the gateway asks the registry for a new supergraph, in milliseconds. */
  SUPERGRAPH_POLL_MS: wholeNumber(100, 3_600_000).optional(),
};

/** Secrets between services, and the key that verifies clients. */
const secrets = {
  /** Bearer token subgraphs and the CLI use to publish to the registry. */
  REGISTRY_TOKEN: secret(16).optional(),
  /** The secret gateway and subgraphs share to sign and verify the internal principal (≥ 32 bytes). */
  INTERNAL_TOKEN_SECRET: secret(32).optional(),
  /** The public JWK (JSON) that verifies client tokens in production. */
  AUTH_PUBLIC_JWK: z.string().refine(isJwkJson, 'must be the JSON of a public JWK (an object with "kty")').optional(),
};

/** Which payment providers refunds go through. */
const payments = {
  /**
   * `simulated` (one simulated gateway for every card provider), or the providers with a connector,
   * comma separated (`stripe`, `adyen`, `stripe,adyen`): each payment is refunded through the
   * provider that captured it, and a provider without a connector is an exception on the refund.
   */
  PAYMENTS_MODE: z
    .string()
    .regex(/^(simulated|(stripe|adyen)(,(stripe|adyen))*)$/, 'must be "simulated", or "stripe" and/or "adyen" separated by commas')
    .refine((mode) => new Set(mode.split(',')).size === mode.split(',').length, 'must name each provider once')
    .default('simulated'),
  /** Stripe secret key ("sk_..." or restricted "rk_..."); required when PAYMENTS_MODE=stripe. */
  STRIPE_SECRET_KEY: secret(20)
    .regex(/^(sk|rk)_[A-Za-z0-9_]+$/, 'must be a Stripe secret key "sk_..." or "rk_..."')
    .optional(),
  /** Signing secret of the Stripe webhook endpoint ("whsec_..."); required when PAYMENTS_MODE=stripe. */
  STRIPE_WEBHOOK_SECRET: secret(20)
    .regex(/^whsec_[A-Za-z0-9_]+$/, 'must be a Stripe webhook signing secret "whsec_..."')
    .optional(),
  /** Another Stripe API origin (a test double); default Stripe's own. */
  STRIPE_API_BASE: httpUrl.optional(),
  /** Adyen API key of the web service user (role "Checkout webservice role", "Merchant PAL webservice role"); required with adyen. */
  ADYEN_API_KEY: secret(20).optional(),
  /** The Adyen merchant account refunds are made on; required with adyen. */
  ADYEN_MERCHANT_ACCOUNT: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,80}$/, 'must be an Adyen merchant account name')
    .optional(),
  /** HMAC key of the Adyen webhook (hex), which signs each notification item; required with adyen. */
  ADYEN_HMAC_KEY: secret(32)
    .regex(/^([0-9A-Fa-f]{2})+$/, 'must be the hex HMAC key of the Adyen webhook')
    .optional(),
  /** `TEST` or `LIVE` Adyen endpoints. */
  ADYEN_ENVIRONMENT: z.enum(['TEST', 'LIVE'], { error: 'must be "TEST" or "LIVE"' }).default('TEST'),
  /** The company's live endpoint prefix ("1797a841fbb37ca7-AdyenDemo"); required when ADYEN_ENVIRONMENT=LIVE. */
  ADYEN_LIVE_URL_PREFIX: z
    .string()
    .regex(/^[a-z0-9]+-[A-Za-z0-9]+$/, 'must be the live URL prefix "<random>-<CompanyName>"')
    .optional(),
  /** Another Adyen Checkout API origin (a test double); default Adyen's own. */
  ADYEN_API_BASE: httpUrl.optional(),
  /** Another origin of Adyen's report downloads (a test double); default Adyen's own. */
  ADYEN_REPORT_BASE: httpUrl.optional(),
  /** How long the simulated gateway takes to settle a refund, in milliseconds. */
  SIMULATED_SETTLEMENT_DELAY_MS: wholeNumber(0, MAX_SETTLEMENT_DELAY_MS).default(DEFAULT_SETTLEMENT_DELAY_MS),
};

/** Which commerce platform orders, locations and products come from, and where returns are mirrored. */
const commerce = {
  /** `none` (orders arrive through `recordOrder`, imports and the demo data) or `shopify`. */
  COMMERCE_CONNECTOR: z.enum(['none', 'shopify'], { error: 'must be "none" or "shopify"' }).default('none'),
  /** The shop's permanent domain, "<shop>.myshopify.com"; required when COMMERCE_CONNECTOR=shopify. */
  SHOPIFY_STORE_DOMAIN: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/, 'must be the shop\'s "<shop>.myshopify.com" domain')
    .optional(),
  /** Admin API access token of the custom app ("shpat_..."); required when COMMERCE_CONNECTOR=shopify. */
  SHOPIFY_ACCESS_TOKEN: secret(20)
    .regex(/^shp[a-z]{2}_[A-Za-z0-9]+$/, 'must be a Shopify Admin API access token "shpat_..."')
    .optional(),
  /** The app's client secret, which signs its webhooks; required when COMMERCE_CONNECTOR=shopify. */
  SHOPIFY_WEBHOOK_SECRET: secret(16).optional(),
  /** Another Admin API origin (a test double); default the shop's own. */
  SHOPIFY_API_BASE: httpUrl.optional(),
};

/** Which ERP credit memos and stock movements are booked in, and how hard it may be pushed. */
const erp = {
  /** `reference` (the embedded ERP in our database), `netsuite` or `business-central`. */
  ERP_CONNECTOR: z.enum(['reference', 'netsuite', 'business-central'], { error: 'must be "reference", "netsuite" or "business-central"' }).default('reference'),
  /** Postings started per second across every instance (the ERP account's share for this integration). */
  ERP_REQUESTS_PER_SECOND: wholeNumber(1, 1000).default(10),
  /** Postings that may start back to back after a quiet spell. */
  ERP_BURST: wholeNumber(1, 100).default(1),
  /** Postings in flight at once across every instance (NetSuite's and Business Central's concurrency limits are per account). */
  ERP_MAX_CONCURRENCY: wholeNumber(1, 64).default(4),
  /** Failed attempts after which a queued ERP posting is logged as an exception (it keeps retrying: nothing is dropped). */
  ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS: wholeNumber(1, 1000).default(5),
  /** NetSuite account id ("1234567" or a sandbox "1234567_SB1"); required when ERP_CONNECTOR=netsuite. */
  NETSUITE_ACCOUNT_ID: z
    .string()
    .regex(/^[0-9A-Za-z]+(_[A-Za-z0-9]+)?$/, 'must be a NetSuite account id such as "1234567" or "1234567_SB1"')
    .optional(),
  /** `oauth2` (machine to machine: client credentials with a signed JWT) or `tba` (token-based, OAuth 1.0a). */
  NETSUITE_AUTH: z.enum(['oauth2', 'tba'], { error: 'must be "oauth2" or "tba"' }).default('oauth2'),
  /** Client id of the integration record (oauth2). */
  NETSUITE_CLIENT_ID: secret(16).optional(),
  /** Certificate id of the key pair mapped to the integration (oauth2), the JWT's `kid`. */
  NETSUITE_CERTIFICATE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/, 'must be the certificate id NetSuite shows for the uploaded certificate')
    .optional(),
  /** File of the PEM private key whose certificate was uploaded to NetSuite (oauth2). */
  NETSUITE_PRIVATE_KEY_FILE: z.string().min(1).optional(),
  /** Consumer key and secret of the integration record, token id and secret of the access token (tba). */
  NETSUITE_CONSUMER_KEY: secret(16).optional(),
  NETSUITE_CONSUMER_SECRET: secret(16).optional(),
  NETSUITE_TOKEN_ID: secret(16).optional(),
  NETSUITE_TOKEN_SECRET: secret(16).optional(),
  /** Signing algorithm of the JWT assertion (oauth2), matching the uploaded certificate's key. */
  NETSUITE_JWT_ALGORITHM: z.enum(['PS256', 'ES256', 'RS256'], { error: 'must be "PS256", "ES256" or "RS256"' }).default('PS256'),
  /** Another SuiteTalk origin (a test double); default "https://<account>.suitetalk.api.netsuite.com". */
  NETSUITE_API_BASE: httpUrl.optional(),
  /** How the sales order of a refund is found: `otherRefNum` (the web order number in the PO field) or `externalId`. */
  NETSUITE_SALES_ORDER_LOOKUP: z.enum(['otherRefNum', 'externalId'], { error: 'must be "otherRefNum" or "externalId"' }).default('otherRefNum'),
  /** `USD=1,EUR=4`: the internal id of every currency refunds are made in. Required with netsuite. */
  NETSUITE_CURRENCY_IDS: idMap('[A-Z]{3}', 'ISO currency code').optional(),
  /** The customer of a memo with no sales order to transform (or of every memo with NETSUITE_CUSTOMER_LOOKUP=default). */
  NETSUITE_DEFAULT_CUSTOMER_ID: netsuiteId.optional(),
  /** `default` (always NETSUITE_DEFAULT_CUSTOMER_ID) or `externalId` (our customer id is the customer's external id). */
  NETSUITE_CUSTOMER_LOOKUP: z.enum(['default', 'externalId'], { error: 'must be "default" or "externalId"' }).default('default'),
  /** Subsidiary of created memos and adjustments (OneWorld accounts). */
  NETSUITE_SUBSIDIARY_ID: netsuiteId.optional(),
  /** The location of created memos and of stock at a location not in NETSUITE_LOCATION_IDS. */
  NETSUITE_DEFAULT_LOCATION_ID: netsuiteId.optional(),
  /** `loc_wh_nj=3,loc_store_soho=7`: our location ids to NetSuite's. */
  NETSUITE_LOCATION_IDS: idMap('loc_[A-Za-z0-9_]{1,60}', 'location id').optional(),
  /** `SKU=id` pairs; SKUs not listed are looked up by item name with SuiteQL. */
  NETSUITE_ITEM_IDS: idMap('[A-Za-z0-9_.-]{1,100}', 'SKU').optional(),
  /** Items of memo lines without a SKU, of refunded shipping, of the restocking fee kept and of our exact sales tax. */
  NETSUITE_MISC_ITEM_ID: netsuiteId.optional(),
  NETSUITE_SHIPPING_ITEM_ID: netsuiteId.optional(),
  NETSUITE_RESTOCKING_FEE_ITEM_ID: netsuiteId.optional(),
  NETSUITE_SALES_TAX_ITEM_ID: netsuiteId.optional(),
  /** Account of inventory adjustments (stock leaving, or arriving without a return authorization). */
  NETSUITE_ADJUSTMENT_ACCOUNT_ID: netsuiteId.optional(),
  /** Microsoft Entra tenant (directory) id of the Business Central environment; required when ERP_CONNECTOR=business-central. */
  BC_TENANT_ID: z.uuid({ error: 'must be the Entra tenant id (a GUID)' }).optional(),
  /** Business Central environment name, e.g. "Production" or "Sandbox". */
  BC_ENVIRONMENT: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,30}$/, 'must be a Business Central environment name')
    .optional(),
  /** The company's id (a GUID, from GET companies). */
  BC_COMPANY_ID: z.uuid({ error: 'must be the company id (a GUID)' }).optional(),
  /** Application (client) id of the Entra app registration. */
  BC_CLIENT_ID: z.uuid({ error: 'must be the application (client) id (a GUID)' }).optional(),
  /** Client secret of the Entra app registration. */
  BC_CLIENT_SECRET: secret(16).optional(),
  /** Customer number credit memos are booked to when the order's customer has no customer record of that number. */
  BC_DEFAULT_CUSTOMER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a Business Central customer number')
    .optional(),
  /** The company's local currency (ISO 4217), which Business Central writes as an empty currency code. */
  BC_LOCAL_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "USD"')
    .optional(),
  /** G/L account numbers of shipping refunded, of the restocking fee kept and of our exact sales tax refunded. */
  BC_ACCOUNT_SHIPPING: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  BC_ACCOUNT_RESTOCKING_FEE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  BC_ACCOUNT_TAX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  /** G/L account of merchandise lines whose SKU is no item in Business Central (without it they are refused). */
  BC_ACCOUNT_MERCHANDISE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a G/L account number')
    .optional(),
  /** Tax group / VAT product posting group for which Business Central computes no tax (our exact tax travels on its own line). */
  BC_NON_TAXABLE_TAX_CODE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,20}$/, 'must be a tax group code')
    .optional(),
  /** `item`: merchandise on Item lines (Business Central puts units back into stock); `account`: on BC_ACCOUNT_MERCHANDISE. */
  BC_MERCHANDISE_AS: z.enum(['item', 'account'], { error: 'must be "item" or "account"' }).default('item'),
  /** Another Business Central API origin (a test double); default "https://api.businesscentral.dynamics.com". */
  BC_API_BASE: httpUrl.optional(),
  /** Another Entra authority host (a sovereign cloud); default "https://login.microsoftonline.com". */
  BC_AUTHORITY_HOST: url(/^https$/, 'https://').optional(),
  /** How often the three-way reconciliation runs, in milliseconds; 0 runs it only on demand. */
  RECONCILIATION_INTERVAL_MS: wholeNumber(0, 7 * 24 * 3_600_000).default(0),
  /** How far back each scheduled reconciliation looks, in hours. */
  RECONCILIATION_LOOKBACK_HOURS: wholeNumber(1, 31 * 24).default(48),
  /** How far around a reconciliation window counterparts are looked for (a memo posted the morning after), in hours. */
  RECONCILIATION_GRACE_HOURS: wholeNumber(0, 31 * 24).default(24),
};

/** Warehouses and 3PLs that report receipts and inspections (signed webhooks and dropped files). */
const warehouses = {
  /** `id=secret` pairs separated by commas, one per warehouse that may call the webhook; each secret at least 32 characters. */
  WAREHOUSE_SECRETS: z
    .string()
    .regex(
      /^[A-Za-z0-9_-]{1,60}=[^,=\s]{32,}(,[A-Za-z0-9_-]{1,60}=[^,=\s]{32,})*$/,
      'must be "id=secret" pairs separated by commas, each secret at least 32 characters',
    )
    .refine((pairs) => {
      const ids = pairs.split(',').map((pair) => pair.split('=')[0]);
      return new Set(ids).size === ids.length;
    }, 'must name each warehouse once')
    .optional(),
  /** Folder watched for warehouse files (CSV, JSON Lines, X12 944/947); absent means no file drop. */
  WAREHOUSE_DROP_DIR: z.string().min(1).optional(),
  /** How old a signed warehouse webhook may be, in seconds. */
  WAREHOUSE_SIGNATURE_TOLERANCE_S: wholeNumber(1, 3600).default(300),
  /** How often the drop folder is scanned, in milliseconds. */
  WAREHOUSE_DROP_POLL_MS: wholeNumber(100, 3_600_000).default(2000),
};

/** Business rules that differ between retailers. */
const policy = {
  /** Four eyes: what one requester refunds by hand on one order, in total, above this (minor units) waits for a second approver. */
  REFUNDS_SECOND_APPROVER_ABOVE_MINOR: amountMinor.default(DEFAULT_SECOND_APPROVER_ABOVE_MINOR),
  /** Where ship-back returns are received when the request names no location. */
  RETURNS_DEFAULT_LOCATION_ID: z
    .string()
    .regex(/^loc_[A-Za-z0-9_]{1,60}$/, 'must be a location id "loc_..."')
    .default(DEFAULT_RETURN_LOCATION_ID),
};

/** The process itself. */
const runtime = {
  /** The service `app/service.ts` runs when the command line names none (for process managers). */
  RG_SERVICE: z.enum(SERVICES, { error: `must be one of ${SERVICES.join(', ')}` }).optional(),
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'must be "development", "production" or "test"' }).default('development'),
  /** pino level of the JSON log lines. */
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
};

/** The operator CLIs (`npm run events`, `npm run registry`; the latter uses REGISTRY_URL and REGISTRY_TOKEN). */
const tools = {
  /** The gateway's GraphQL URL `npm run events` calls; default http://127.0.0.1:<PORT>/graphql. */
  GATEWAY_URL: httpUrl.optional(),
  /** The client token `npm run events` calls with; absent, one is minted with the local dev key (embedded default only). */
  TOKEN: z
    .string()
    .regex(/^[\w-]+\.[\w-]+\.[\w-]+$/, 'must be a JWT (three base64url parts separated by dots)')
    .optional(),
};

/**
 * What errors and the schema show to clients, in every run mode alike (embedded, production,
 * tests): masked and staff-only unless a setting here says otherwise. Never derived from NODE_ENV,
 * whose absence would otherwise mean "development" and stack traces in production.
 */
const exposure = {
  /**
   * The explicit development switch: `true` shows fault messages (SQL, constraint names), subgraph
   * details and stack traces to clients. Only `true` or `false`: a typo must not switch it on.
   */
  DEV_ERROR_DETAILS: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('false'),
  /** Who may introspect the graph: `staff` (staff and service roles), `all` (every token) or `off`. */
  INTROSPECTION: z.enum(INTROSPECTION_POLICIES, { error: `must be one of ${INTROSPECTION_POLICIES.join(', ')}` }).default(DEFAULT_INTROSPECTION_POLICY),
};

/**
 * Environment of every run mode, validated once at start-up. A bad value stops the process with a
 * message naming the variable, what it must be and what it was.
 */
const schema = z
  .object({ ...storage, ...network, ...secrets, ...payments, ...erp, ...commerce, ...warehouses, ...policy, ...exposure, ...runtime, ...tools })
  .superRefine((config, ctx) => {
    const requireAll = (names: readonly (keyof typeof config)[], when: string) => {
      for (const name of names) if (config[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${when}` });
    };
    const providers = config.PAYMENTS_MODE.split(',');
    if (providers.includes('stripe')) requireAll(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], 'PAYMENTS_MODE includes stripe');
    if (providers.includes('adyen')) requireAll(['ADYEN_API_KEY', 'ADYEN_MERCHANT_ACCOUNT', 'ADYEN_HMAC_KEY'], 'PAYMENTS_MODE includes adyen');
    if (providers.includes('adyen') && config.ADYEN_ENVIRONMENT === 'LIVE') requireAll(['ADYEN_LIVE_URL_PREFIX'], 'ADYEN_ENVIRONMENT=LIVE');
    if (config.ERP_CONNECTOR === 'netsuite') {
      requireAll(
        [
          'NETSUITE_ACCOUNT_ID',
          'NETSUITE_CURRENCY_IDS',
          'NETSUITE_DEFAULT_CUSTOMER_ID',
          'NETSUITE_DEFAULT_LOCATION_ID',
          'NETSUITE_MISC_ITEM_ID',
          'NETSUITE_SHIPPING_ITEM_ID',
          'NETSUITE_RESTOCKING_FEE_ITEM_ID',
          'NETSUITE_SALES_TAX_ITEM_ID',
          'NETSUITE_ADJUSTMENT_ACCOUNT_ID',
        ],
        'ERP_CONNECTOR=netsuite',
      );
      if (config.NETSUITE_AUTH === 'oauth2') requireAll(['NETSUITE_CLIENT_ID', 'NETSUITE_CERTIFICATE_ID', 'NETSUITE_PRIVATE_KEY_FILE'], 'NETSUITE_AUTH=oauth2');
      else requireAll(['NETSUITE_CONSUMER_KEY', 'NETSUITE_CONSUMER_SECRET', 'NETSUITE_TOKEN_ID', 'NETSUITE_TOKEN_SECRET'], 'NETSUITE_AUTH=tba');
    }
    if (config.ERP_CONNECTOR === 'business-central') {
      requireAll(
        [
          'BC_TENANT_ID',
          'BC_ENVIRONMENT',
          'BC_COMPANY_ID',
          'BC_CLIENT_ID',
          'BC_CLIENT_SECRET',
          'BC_LOCAL_CURRENCY',
          'BC_ACCOUNT_SHIPPING',
          'BC_ACCOUNT_RESTOCKING_FEE',
          'BC_ACCOUNT_TAX',
        ],
        'ERP_CONNECTOR=business-central',
      );
      if (config.BC_MERCHANDISE_AS === 'account') requireAll(['BC_ACCOUNT_MERCHANDISE'], 'BC_MERCHANDISE_AS=account');
    }
    if (config.COMMERCE_CONNECTOR === 'shopify') {
      requireAll(['SHOPIFY_STORE_DOMAIN', 'SHOPIFY_ACCESS_TOKEN', 'SHOPIFY_WEBHOOK_SECRET'], 'COMMERCE_CONNECTOR=shopify');
    }
  });

/** The name of every setting, in group order: each has a bad-value case in app/config.test.ts. */
export const SETTING_NAMES: readonly string[] = Object.keys(schema.shape);

/** Variables whose values never appear in an error message or a log line: only their length does. */
const SECRETS: ReadonlySet<string> = new Set([
  'REGISTRY_TOKEN',
  'INTERNAL_TOKEN_SECRET',
  'STRIPE_SECRET_KEY',
  'STRIPE_WEBHOOK_SECRET',
  'ADYEN_API_KEY',
  'ADYEN_HMAC_KEY',
  'NETSUITE_CLIENT_ID',
  'NETSUITE_CONSUMER_KEY',
  'NETSUITE_CONSUMER_SECRET',
  'NETSUITE_TOKEN_ID',
  'NETSUITE_TOKEN_SECRET',
  'BC_CLIENT_SECRET',
  'SHOPIFY_ACCESS_TOKEN',
  'SHOPIFY_WEBHOOK_SECRET',
  'WAREHOUSE_SECRETS',
  'TOKEN',
]);

/** Every setting, validated and with defaults applied. */
export type Config = z.infer<typeof schema>;

/** Parses and validates the environment; throws one error listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      const value = env[name];
      const got = value !== undefined && SECRETS.has(name) ? `a value of ${value.length} characters` : JSON.stringify(value ?? null);
      return `${name}: ${issue.message} (got ${got})`;
    });
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

/** What clients may see, as every service's options take it. */
export interface Exposure {
  /** Fault messages, subgraph details and stack traces in answers (`DEV_ERROR_DETAILS=true`). */
  errorDetails: boolean;
  introspection: IntrospectionPolicy;
}

/** The exposure settings of a validated configuration. */
export function exposureOf(config: Config): Exposure {
  return { errorDetails: config.DEV_ERROR_DETAILS === 'true', introspection: config.INTROSPECTION };
}

/** Fails start-up with the variable's name when a production setting is missing. */
export function required<T>(value: T | undefined, name: string, why: string): T {
  if (value === undefined) throw new Error(`${name} is required: ${why}`);
  return value;
}
