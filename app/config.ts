import { z } from 'zod';
import { DEFAULT_SETTLEMENT_DELAY_MS, MAX_SETTLEMENT_DELAY_MS } from '../connectors/payments/simulated/simulated-options';
import { DEFAULT_INTROSPECTION_POLICY, INTROSPECTION_POLICIES, type IntrospectionPolicy } from '../gateway/plugins/introspection';
import { LOG_LEVELS } from '../platform/logger';
import { amountMinor, host, httpUrl, isJwkJson, port, secret, url, wholeNumber } from './config-values';
import { ERP_SETTINGS, requireErpSettings } from './config-erp';
import { GATEWAY_SETTINGS } from './config-gateway';
import { checkAdmissionSettings, GATEWAY_ADMISSION_SETTINGS } from './config-gateway-admission';
import { EMBEDDED_SETTINGS } from './config-embedded';
import { DRILL_SETTINGS, IDENTITY_SETTINGS, OPERATIONS_SETTINGS, requireOpsSettings, TELEMETRY_SETTINGS } from './config-ops';
import { BENCH_SETTINGS } from './config-bench';
import { PIPELINE_SETTINGS } from './config-pipeline';

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
  /** How often the three-way reconciliation runs, in milliseconds; 0 runs it only on demand. */
  RECONCILIATION_INTERVAL_MS: wholeNumber(0, 7 * 24 * 3_600_000).default(0),
  /** How far back each scheduled reconciliation looks, in hours. */
  RECONCILIATION_LOOKBACK_HOURS: wholeNumber(1, 31 * 24).default(48),
  /** How far around a reconciliation window counterparts are looked for (a memo posted the morning after), in hours. */
  RECONCILIATION_GRACE_HOURS: wholeNumber(0, 31 * 24).default(24),
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
  .object({
    ...storage,
    ...EMBEDDED_SETTINGS,
    ...network,
    ...GATEWAY_ADMISSION_SETTINGS,
    ...secrets,
    ...IDENTITY_SETTINGS,
    ...payments,
    ...ERP_SETTINGS,
    ...PIPELINE_SETTINGS,
    ...commerce,
    ...warehouses,
    ...policy,
    ...OPERATIONS_SETTINGS,
    ...DRILL_SETTINGS,
    ...TELEMETRY_SETTINGS,
    ...GATEWAY_SETTINGS,
    ...exposure,
    ...runtime,
    ...tools,
    ...BENCH_SETTINGS,
  })
  .superRefine((config, ctx) => {
    const requireAll = (names: readonly (keyof typeof config)[], when: string) => {
      for (const name of names) if (config[name] === undefined) ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${when}` });
    };
    const providers = config.PAYMENTS_MODE.split(',');
    if (providers.includes('stripe')) requireAll(['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'], 'PAYMENTS_MODE includes stripe');
    if (providers.includes('adyen')) requireAll(['ADYEN_API_KEY', 'ADYEN_MERCHANT_ACCOUNT', 'ADYEN_HMAC_KEY'], 'PAYMENTS_MODE includes adyen');
    if (providers.includes('adyen') && config.ADYEN_ENVIRONMENT === 'LIVE') requireAll(['ADYEN_LIVE_URL_PREFIX'], 'ADYEN_ENVIRONMENT=LIVE');
    requireErpSettings(config, requireAll);
    requireOpsSettings(config, requireAll, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message }));
    checkAdmissionSettings(config, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message }));
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
