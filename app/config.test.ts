import { generateSigningKeys } from '../platform/auth';
import { loadConfig, SETTING_NAMES } from './config';
import { subgraphSettings } from './subgraphs';
import { admissionLimits } from './config-gateway-admission';

/**
 * A bad value of each setting, with why it is bad. Every setting app/config.ts knows has at least
 * one (the first test checks), so a new setting cannot arrive unvalidated.
 */
const BAD_VALUES: Record<string, [value: string, why: string][]> = {
  DATABASE_URL: [
    ['mysql://root@db/returns', 'not PostgreSQL'],
    ['db:5432', 'not a URL'],
  ],
  PGLITE_DATA_DIR: [['', 'empty']],
  EMBEDDED_CACHE_DIR: [['', 'empty']],
  EMBEDDED_SNAPSHOT: [['yes', 'not true or false']],
  REDIS_URL: [['http://127.0.0.1:6379', 'not Redis']],
  REDIS_PREFIX: [['returns graph', 'a space']],
  HOST: [['local host', 'not a host name']],
  PUBLIC_HOST: [['http://api.example.com', 'a URL, not a host']],
  PORT: [['65536', 'above 65535']],
  ORDERS_PORT: [['-1', 'negative']],
  RETURNS_PORT: [['abc', 'not a number']],
  INVENTORY_PORT: [['', 'empty (Number("") is 0: a random port)']],
  REFUNDS_PORT: [['1e3', 'not digits']],
  REGISTRY_PORT: [['4005.5', 'not whole']],
  REGISTRY_URL: [['ftp://registry:4005', 'not http(s)']],
  SUPERGRAPH_POLL_MS: [['50', 'below 100 ms']],
  GATEWAY_MAX_IN_FLIGHT: [
    ['0', 'zero: nothing would ever run (there is no "off")'],
    ['10001', 'above 10,000'],
  ],
  GATEWAY_MAX_QUEUED: [['-1', 'negative']],
  GATEWAY_MAX_QUEUE_WAIT_MS: [
    ['0', 'zero: every queued request would be refused'],
    ['1.5', 'not whole'],
  ],
  GATEWAY_WRITE_RESERVE: [
    ['64', 'not below the default GATEWAY_MAX_IN_FLIGHT (64): queries could never run'],
    ['x', 'not a number'],
  ],
  REGISTRY_TOKEN: [['short', 'under 16 characters']],
  INTERNAL_TOKEN_SECRET: [['x'.repeat(31), 'under 32 characters']],
  AUTH_PUBLIC_JWK: [
    ['{"kty":', 'not JSON'],
    ['"EC"', 'not a JWK object'],
  ],
  AUTH_JWKS_URL: [['file:///etc/jwks.json', 'not http(s)']],
  AUTH_ISSUER: [['', 'empty']],
  AUTH_AUDIENCE: [['x'.repeat(501), 'over 500 characters']],
  AUTH_ALGORITHMS: [
    ['HS256', 'a shared-secret algorithm: anyone holding it could mint tokens'],
    ['none', 'unsigned tokens'],
  ],
  AUTH_JWKS_CACHE_MAX_AGE_S: [['5', 'below 30 s: every request would refetch']],
  AUTH_ROLES_CLAIM: [['roles claim', 'a space']],
  AUTH_ROLE_MAP: [
    ['Finance', 'no "=role"'],
    ['Finance=Finance Team', 'not a role name'],
  ],
  AUTH_CUSTOMER_ID_CLAIM: [['', 'empty']],
  AUTH_STORE_IDS_CLAIM: [['store ids', 'a space']],
  AUTH_PARTNER_ID_CLAIM: [['x'.repeat(201), 'over 200 characters']],
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: [['collector:4318', 'not a URL']],
  OTEL_SERVICE_NAME: [['returns graph', 'a space']],
  OTEL_TRACES_SAMPLE_PERCENT: [['101', 'above 100']],
  GATEWAY_MERGE_FETCHES: [
    ['yes', 'only "true" or "false"'],
    ['False', 'not exactly "false"'],
  ],
  RETURNS_STUCK_AFTER_HOURS: [['0', 'zero: every return would be stuck']],
  DRILL_REFUND_FAILURE_PERCENT: [['-5', 'negative']],
  DRILL_REFUND_TIMEOUT_PERCENT: [['12.5', 'not whole']],
  DRILL_ERP_DOWN_FOR_S: [['86401', 'above a day']],
  DRILL_ERP_DOWN_AFTER_S: [['soon', 'not a number']],
  DRILL_CONSUMER_DOWN: [['returnStock', 'no subgraph']],
  DRILL_CONSUMER_DOWN_FOR_S: [['0', 'zero: the drill would do nothing']],
  PAYMENTS_MODE: [
    ['paypal', 'not a mode'],
    ['stripe,stripe', 'a provider twice'],
    ['simulated,stripe', 'simulated stands in for every provider: never mixed'],
  ],
  ADYEN_API_KEY: [['short', 'under 20 characters']],
  ADYEN_MERCHANT_ACCOUNT: [['Demo Account', 'a space']],
  ADYEN_HMAC_KEY: [
    ['z'.repeat(64), 'not hex'],
    ['a'.repeat(33), 'an odd number of hex digits'],
  ],
  ADYEN_ENVIRONMENT: [['live', 'lower case']],
  ADYEN_LIVE_URL_PREFIX: [['https://1797a841fbb37ca7-AdyenDemo-checkout-live.adyenpayments.com', 'a URL, not the prefix']],
  ADYEN_API_BASE: [['checkout-test.adyen.com', 'not a URL']],
  ADYEN_REPORT_BASE: [['ca-test.adyen.com', 'not a URL']],
  ERP_CONNECTOR: [['sap', 'not a connector']],
  ERP_REQUESTS_PER_SECOND: [['0', 'zero: nothing would ever post']],
  ERP_BURST: [['0', 'below 1']],
  ERP_MAX_CONCURRENCY: [['65', 'above 64']],
  NETSUITE_ACCOUNT_ID: [['1234567-sb1.app.netsuite.com', 'a host, not the account id']],
  NETSUITE_AUTH: [['oauth1', 'not a method']],
  NETSUITE_CLIENT_ID: [['short', 'under 16 characters']],
  NETSUITE_CERTIFICATE_ID: [['cert id', 'a space']],
  NETSUITE_PRIVATE_KEY_FILE: [['', 'empty']],
  NETSUITE_CONSUMER_KEY: [['short', 'under 16 characters']],
  NETSUITE_CONSUMER_SECRET: [['short', 'under 16 characters']],
  NETSUITE_TOKEN_ID: [['short', 'under 16 characters']],
  NETSUITE_TOKEN_SECRET: [['short', 'under 16 characters']],
  NETSUITE_API_BASE: [['suitetalk.test', 'not a URL']],
  NETSUITE_JWT_ALGORITHM: [['HS256', 'a shared-secret algorithm NetSuite does not take']],
  NETSUITE_SALES_ORDER_LOOKUP: [['tranId', 'not a lookup']],
  NETSUITE_CURRENCY_IDS: [
    ['USD:1', 'not key=id'],
    ['USD=1,USD=2', 'a currency twice'],
    ['usd=1', 'lower case'],
  ],
  NETSUITE_DEFAULT_CUSTOMER_ID: [['C-100', 'not digits']],
  NETSUITE_CUSTOMER_LOOKUP: [['email', 'not a lookup']],
  NETSUITE_SUBSIDIARY_ID: [['-1', 'negative']],
  NETSUITE_DEFAULT_LOCATION_ID: [['', 'empty']],
  NETSUITE_LOCATION_IDS: [['wh_nj=3', 'not a location id']],
  NETSUITE_ITEM_IDS: [['SKU 1=4', 'a space']],
  NETSUITE_MISC_ITEM_ID: [['1.5', 'not whole']],
  NETSUITE_SHIPPING_ITEM_ID: [['ship', 'not digits']],
  NETSUITE_RESTOCKING_FEE_ITEM_ID: [['1234567890123', 'above 12 digits']],
  NETSUITE_SALES_TAX_ITEM_ID: [['x', 'not digits']],
  NETSUITE_ADJUSTMENT_ACCOUNT_ID: [['4000 ', 'a space']],
  BC_TENANT_ID: [['contoso.onmicrosoft.com', 'not the tenant GUID']],
  BC_ENVIRONMENT: [['Production 2', 'a space']],
  BC_COMPANY_ID: [['CRONUS', 'not a GUID']],
  BC_CLIENT_ID: [['app', 'not a GUID']],
  BC_CLIENT_SECRET: [['short', 'under 16 characters']],
  BC_DEFAULT_CUSTOMER: [['a customer number that is far too long', 'above 20 characters']],
  BC_API_BASE: [['api.businesscentral.test', 'not a URL']],
  BC_AUTHORITY_HOST: [['http://login.test', 'not https (msal insists)']],
  BC_LOCAL_CURRENCY: [['usd', 'lower case']],
  BC_ACCOUNT_SHIPPING: [['', 'empty']],
  BC_ACCOUNT_RESTOCKING_FEE: [['4 100', 'a space']],
  BC_ACCOUNT_TAX: [['x'.repeat(21), 'above 20 characters']],
  BC_ACCOUNT_MERCHANDISE: [['sales/returns', 'a slash']],
  BC_NON_TAXABLE_TAX_CODE: [['NON TAXABLE', 'a space']],
  BC_MERCHANDISE_AS: [['gl', 'not a way']],
  RECONCILIATION_INTERVAL_MS: [['-1', 'negative']],
  RECONCILIATION_LOOKBACK_HOURS: [['0', 'below an hour']],
  RECONCILIATION_GRACE_HOURS: [['745', 'above 31 days']],
  ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS: [['0', 'below 1: every posting an exception']],
  REFUND_EXECUTOR_CONCURRENCY: [
    ['0', 'below 1: no refund would ever be paid'],
    ['65', 'above 64'],
  ],
  STRIPE_SECRET_KEY: [
    ['pk_test_a_publishable_key_0000', 'a publishable key'],
    ['sk_x', 'too short'],
  ],
  STRIPE_WEBHOOK_SECRET: [['sk_test_the_wrong_kind_of_secret', 'not a signing secret']],
  STRIPE_API_BASE: [['api.stripe.test', 'not a URL']],
  COMMERCE_CONNECTOR: [['magento', 'not a connector']],
  SHOPIFY_STORE_DOMAIN: [
    ['https://shop.myshopify.com', 'a URL, not the domain'],
    ['shop.example.com', 'not the permanent myshopify.com domain'],
  ],
  SHOPIFY_ACCESS_TOKEN: [['sk_live_0123456789abcdefghij', 'not a Shopify token']],
  SHOPIFY_WEBHOOK_SECRET: [['short', 'under 16 characters']],
  SHOPIFY_API_BASE: [['shop.test', 'not a URL']],
  WAREHOUSE_SECRETS: [
    ['wh_nj', 'no secret'],
    ['wh_nj=short', 'secret under 32 characters'],
    [`wh nj=${'s'.repeat(32)}`, 'a space in the id'],
    [`wh_nj=${'s'.repeat(32)},wh_nj=${'t'.repeat(32)}`, 'a warehouse named twice'],
  ],
  WAREHOUSE_DROP_DIR: [['', 'empty']],
  WAREHOUSE_SIGNATURE_TOLERANCE_S: [['0', 'zero tolerance refuses every webhook']],
  WAREHOUSE_DROP_POLL_MS: [['10', 'below 100 ms']],
  SIMULATED_SETTLEMENT_DELAY_MS: [
    ['-5', 'negative'],
    ['86400001', 'above a day'],
  ],
  REFUNDS_SECOND_APPROVER_ABOVE_MINOR: [
    ['abc', 'NaN: every comparison would pass'],
    ['-1', 'negative'],
    ['500.00', 'not minor units'],
    ['9007199254740993', 'not a safe integer'],
    ['', 'empty'],
  ],
  RETURNS_DEFAULT_LOCATION_ID: [['warehouse', 'not a location id']],
  DEV_ERROR_DETAILS: [
    ['yes', 'only "true" switches details on'],
    ['TRUE', 'not exactly "true"'],
  ],
  INTROSPECTION: [['everyone', 'not a policy']],
  RG_SERVICE: [['billing', 'no such service']],
  NODE_ENV: [['prod', 'not a mode']],
  LOG_LEVEL: [['verbose', 'not a pino level']],
  GATEWAY_URL: [
    ['127.0.0.1:4000/graphql', 'not a URL'],
    ['ws://127.0.0.1:4000/graphql', 'not http(s)'],
  ],
  TOKEN: [
    ['Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2ln', 'a header value, not a JWT'],
    ['', 'empty'],
  ],
  XDG_CACHE_HOME: [['.cache', 'a relative path']],
};

const cases = Object.entries(BAD_VALUES).flatMap(([name, values]) => values.map(([value, why]) => ({ name, value, why })));

describe('settings validated at start', () => {
  it('has a bad-value case for every setting', () => {
    expect(Object.keys(BAD_VALUES).sort()).toEqual([...SETTING_NAMES].sort());
  });

  it.each(cases)('refuses $name=$value ($why), naming the variable', ({ name, value }) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n  ${name}: `));
  });

  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      HOST: '127.0.0.1',
      PORT: 4000,
      PAYMENTS_MODE: 'simulated',
      SIMULATED_SETTLEMENT_DELAY_MS: 300,
      REFUNDS_SECOND_APPROVER_ABOVE_MINOR: 50_000,
      RETURNS_DEFAULT_LOCATION_ID: 'loc_wh_nj',
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
    });
    expect(subgraphSettings(config)).toEqual({
      returns: { defaultLocationId: 'loc_wh_nj', stuckAfterHours: 72 },
      warehouse: { secrets: {}, signatureToleranceSeconds: 300, dropDir: null, dropPollMs: 2000 },
      refunds: { secondApproverAboveMinor: 50_000, executorConcurrency: 8, reconciliation: { intervalMs: 0, lookbackHours: 48, graceHours: 24 } },
      payments: { mode: 'simulated', settlementDelayMs: 300 },
      commerce: { connector: 'none' },
      erp: { connector: 'reference', limits: { requestsPerSecond: 10, burst: 1, maxConcurrency: 4 } },
      erpPosting: { exceptionAfterAttempts: 5 },
      drills: { refunds: undefined, erpOutage: undefined, consumer: undefined },
    });
  });

  it('gives the gateway its admission limits, defaults and set values alike', () => {
    expect(admissionLimits(loadConfig({}))).toEqual({ maxInFlight: 64, maxQueued: 256, maxQueueWaitMs: 1000, writeReserve: 16 });
    const config = loadConfig({ GATEWAY_MAX_IN_FLIGHT: '8', GATEWAY_MAX_QUEUED: '0', GATEWAY_MAX_QUEUE_WAIT_MS: '250', GATEWAY_WRITE_RESERVE: '7' });
    expect(admissionLimits(config)).toEqual({ maxInFlight: 8, maxQueued: 0, maxQueueWaitMs: 250, writeReserve: 7 });
  });

  it('refuses a write reserve that is not below the in-flight bound it is part of', () => {
    expect(() => loadConfig({ GATEWAY_MAX_IN_FLIGHT: '4', GATEWAY_WRITE_RESERVE: '4' })).toThrow(
      /GATEWAY_WRITE_RESERVE: must be below GATEWAY_MAX_IN_FLIGHT \(4\)/,
    );
  });

  it('passes valid values down to the subgraphs, as numbers where they are numbers', async () => {
    const { publicJwk } = await generateSigningKeys();
    const config = loadConfig({
      DATABASE_URL: 'postgresql://app@db:5432/returns',
      REDIS_URL: 'rediss://cache:6380',
      HOST: '0.0.0.0',
      PORT: '0',
      REGISTRY_URL: 'https://registry.internal:4005',
      REGISTRY_TOKEN: 'r'.repeat(16),
      INTERNAL_TOKEN_SECRET: 's'.repeat(32),
      AUTH_PUBLIC_JWK: JSON.stringify(publicJwk),
      PAYMENTS_MODE: 'stripe',
      STRIPE_SECRET_KEY: 'sk_live_0123456789abcdef',
      STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      COMMERCE_CONNECTOR: 'shopify',
      SHOPIFY_STORE_DOMAIN: 'returns-graph-demo.myshopify.com',
      SHOPIFY_ACCESS_TOKEN: 'shpat_0123456789abcdef0123',
      SHOPIFY_WEBHOOK_SECRET: 'shopify-app-client-secret',
      REFUNDS_SECOND_APPROVER_ABOVE_MINOR: '0',
      RETURNS_DEFAULT_LOCATION_ID: 'loc_wh_ca',
      RETURNS_STUCK_AFTER_HOURS: '48',
      DRILL_CONSUMER_DOWN: 'inventory.erp-sync',
      DRILL_CONSUMER_DOWN_FOR_S: '120',
      WAREHOUSE_SECRETS: `wh_nj=${'n'.repeat(32)},tpl-east=${'e'.repeat(40)}`,
      WAREHOUSE_DROP_DIR: '/var/spool/returns-graph/warehouse',
      WAREHOUSE_SIGNATURE_TOLERANCE_S: '120',
      RECONCILIATION_INTERVAL_MS: '900000',
      RECONCILIATION_LOOKBACK_HOURS: '72',
      RECONCILIATION_GRACE_HOURS: '12',
      ERP_CONNECTOR: 'netsuite',
      ERP_REQUESTS_PER_SECOND: '5',
      ERP_MAX_CONCURRENCY: '2',
      ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS: '12',
      REFUND_EXECUTOR_CONCURRENCY: '4',
      NETSUITE_ACCOUNT_ID: '1234567_SB1',
      NETSUITE_AUTH: 'tba',
      NETSUITE_CONSUMER_KEY: 'c'.repeat(64),
      NETSUITE_CONSUMER_SECRET: 'd'.repeat(64),
      NETSUITE_TOKEN_ID: 'e'.repeat(64),
      NETSUITE_TOKEN_SECRET: 'f'.repeat(64),
      NETSUITE_CURRENCY_IDS: 'USD=1,EUR=4',
      NETSUITE_DEFAULT_CUSTOMER_ID: '812',
      NETSUITE_DEFAULT_LOCATION_ID: '3',
      NETSUITE_LOCATION_IDS: 'loc_wh_ca=5,loc_store_soho=7',
      NETSUITE_MISC_ITEM_ID: '100',
      NETSUITE_SHIPPING_ITEM_ID: '101',
      NETSUITE_RESTOCKING_FEE_ITEM_ID: '102',
      NETSUITE_SALES_TAX_ITEM_ID: '103',
      NETSUITE_ADJUSTMENT_ACCOUNT_ID: '540',
      RG_SERVICE: 'refunds',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({ PORT: 0, HOST: '0.0.0.0', RG_SERVICE: 'refunds', LOG_LEVEL: 'warn' });
    expect(subgraphSettings(config)).toEqual({
      returns: { defaultLocationId: 'loc_wh_ca', stuckAfterHours: 48 },
      drills: { refunds: undefined, erpOutage: undefined, consumer: { consumer: 'inventory.erp-sync', forMs: 120_000 } },
      warehouse: {
        secrets: { wh_nj: 'n'.repeat(32), 'tpl-east': 'e'.repeat(40) },
        signatureToleranceSeconds: 120,
        dropDir: '/var/spool/returns-graph/warehouse',
        dropPollMs: 2000,
      },
      refunds: { secondApproverAboveMinor: 0, executorConcurrency: 4, reconciliation: { intervalMs: 900_000, lookbackHours: 72, graceHours: 12 } },
      payments: {
        mode: 'providers',
        providers: [{ provider: 'stripe', secretKey: 'sk_live_0123456789abcdef', webhookSecret: 'whsec_0123456789abcdef', apiBase: undefined }],
      },
      commerce: {
        connector: 'shopify',
        storeDomain: 'returns-graph-demo.myshopify.com',
        accessToken: 'shpat_0123456789abcdef0123',
        webhookSecret: 'shopify-app-client-secret',
        apiBase: undefined,
      },
      erp: {
        connector: 'netsuite',
        limits: { requestsPerSecond: 5, burst: 1, maxConcurrency: 2 },
        netsuite: {
          accountId: '1234567_SB1',
          auth: { kind: 'tba', consumerKey: 'c'.repeat(64), consumerSecret: 'd'.repeat(64), tokenId: 'e'.repeat(64), tokenSecret: 'f'.repeat(64) },
          apiBase: undefined,
          salesOrderLookup: 'otherRefNum',
          currencyIds: { USD: '1', EUR: '4' },
          defaultCustomerId: '812',
          customerLookup: 'default',
          subsidiaryId: undefined,
          locationIds: { loc_wh_ca: '5', loc_store_soho: '7' },
          defaultLocationId: '3',
          itemIds: undefined,
          miscellaneousItemId: '100',
          shippingItemId: '101',
          restockingFeeItemId: '102',
          salesTaxItemId: '103',
          adjustmentAccountId: '540',
        },
      },
      erpPosting: { exceptionAfterAttempts: 12 },
    });
  });

  it('refuses PAYMENTS_MODE=stripe without both Stripe secrets, naming each', () => {
    expect(() => loadConfig({ PAYMENTS_MODE: 'stripe' })).toThrow(
      /STRIPE_SECRET_KEY: is required when PAYMENTS_MODE includes stripe[\s\S]*STRIPE_WEBHOOK_SECRET: is required/,
    );
  });

  it('builds one provider entry per name of PAYMENTS_MODE, Stripe and Adyen together', () => {
    const config = loadConfig({
      PAYMENTS_MODE: 'stripe,adyen',
      STRIPE_SECRET_KEY: 'sk_live_0123456789abcdef',
      STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
      ADYEN_API_KEY: 'AQE' + 'k'.repeat(40),
      ADYEN_MERCHANT_ACCOUNT: 'ReturnsGraphStores',
      ADYEN_HMAC_KEY: 'ab'.repeat(32),
    });
    expect(subgraphSettings(config).payments).toEqual({
      mode: 'providers',
      providers: [
        { provider: 'stripe', secretKey: 'sk_live_0123456789abcdef', webhookSecret: 'whsec_0123456789abcdef', apiBase: undefined },
        {
          provider: 'adyen',
          apiKey: 'AQE' + 'k'.repeat(40),
          merchantAccount: 'ReturnsGraphStores',
          hmacKey: 'ab'.repeat(32),
          environment: 'TEST',
          liveEndpointUrlPrefix: undefined,
          apiBase: undefined,
          reportBase: undefined,
        },
      ],
    });
  });

  it('refuses adyen without its key, merchant account and HMAC key, and LIVE without the URL prefix', () => {
    expect(() => loadConfig({ PAYMENTS_MODE: 'stripe,adyen', ADYEN_ENVIRONMENT: 'LIVE' })).toThrow(
      /ADYEN_API_KEY: is required when PAYMENTS_MODE includes adyen[\s\S]*ADYEN_MERCHANT_ACCOUNT[\s\S]*ADYEN_HMAC_KEY[\s\S]*ADYEN_LIVE_URL_PREFIX: is required when ADYEN_ENVIRONMENT=LIVE/,
    );
  });

  it('refuses an ERP connector without its credentials, naming each for the chosen method', () => {
    expect(() => loadConfig({ ERP_CONNECTOR: 'netsuite' })).toThrow(
      /NETSUITE_ACCOUNT_ID: is required[\s\S]*NETSUITE_CLIENT_ID: is required when NETSUITE_AUTH=oauth2[\s\S]*NETSUITE_PRIVATE_KEY_FILE/,
    );
    expect(() => loadConfig({ ERP_CONNECTOR: 'netsuite', NETSUITE_AUTH: 'tba', NETSUITE_ACCOUNT_ID: '1234567_SB1' })).toThrow(
      /NETSUITE_CONSUMER_KEY: is required when NETSUITE_AUTH=tba[\s\S]*NETSUITE_TOKEN_SECRET/,
    );
    expect(() => loadConfig({ ERP_CONNECTOR: 'business-central' })).toThrow(/BC_TENANT_ID: is required[\s\S]*BC_ACCOUNT_TAX: is required/);
  });

  it('refuses COMMERCE_CONNECTOR=shopify without the shop, its token and its webhook secret, naming each', () => {
    expect(() => loadConfig({ COMMERCE_CONNECTOR: 'shopify' })).toThrow(
      /SHOPIFY_STORE_DOMAIN: is required when COMMERCE_CONNECTOR=shopify[\s\S]*SHOPIFY_ACCESS_TOKEN: is required[\s\S]*SHOPIFY_WEBHOOK_SECRET: is required/,
    );
  });

  it('refuses AUTH_JWKS_URL without the issuer and audience tokens must carry, naming each', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' })).toThrow(
      /AUTH_ISSUER: is required when AUTH_JWKS_URL is set[\s\S]*AUTH_AUDIENCE: is required when AUTH_JWKS_URL is set/,
    );
  });

  it('refuses refund drills whose failure and timeout shares add up to more than every refund', () => {
    expect(() => loadConfig({ DRILL_REFUND_FAILURE_PERCENT: '60', DRILL_REFUND_TIMEOUT_PERCENT: '50' })).toThrow(
      /DRILL_REFUND_TIMEOUT_PERCENT: together with DRILL_REFUND_FAILURE_PERCENT must be at most 100/,
    );
  });

  it('lists every bad variable at once, and never echoes a secret', () => {
    const secret = 'not-long-enough';
    let message = '';
    try {
      loadConfig({ INTERNAL_TOKEN_SECRET: secret, REFUNDS_SECOND_APPROVER_ABOVE_MINOR: 'abc' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('INTERNAL_TOKEN_SECRET: must be at least 32 characters (got a value of 15 characters)');
    expect(message).toContain('REFUNDS_SECOND_APPROVER_ABOVE_MINOR: must be a whole number from 0 to 9007199254740991, in digits (got "abc")');
    expect(message).not.toContain(secret);
  });
});
