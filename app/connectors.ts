import type { Db } from '../platform/db';
import type { ErpConnector } from '../connectors/erp/port';
import { SharedErpLimiter } from '../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../connectors/erp/limiter/shared-throttled-erp';
import { SimulatedGateway } from '../connectors/payments/simulated/simulated-gateway';
import { StoreCreditLedger } from '../connectors/payments/store-credit/store-credit-ledger';
import { StoreCreditStatements } from '../connectors/payments/store-credit/store-credit-statements';
import type { RefundsPayments } from '../subgraphs/refunds';
import type { CommerceConnector } from '../connectors/commerce/port';
import { required, type Config } from './config';
import { erpAccountKey, erpAdapter, REFERENCE_ERP_SETTINGS, type ErpSettings } from './erp';
import { ErpOutageDrill } from '../connectors/erp/reference/outage-drill';
import type { DrillSettings } from './drills';
import type { providerConnectors } from './payment-providers';

/** Stripe's connector settings. */
export interface StripeSettings {
  provider: 'stripe';
  /** `STRIPE_SECRET_KEY`: "sk_..." or a restricted "rk_..." key. */
  secretKey: string;
  /** `STRIPE_WEBHOOK_SECRET`: the endpoint's signing secret, "whsec_...". */
  webhookSecret: string;
  /** `STRIPE_API_BASE`: another API origin (a test double); default Stripe's own. */
  apiBase?: string;
}

/** Adyen's connector settings. */
export interface AdyenSettings {
  provider: 'adyen';
  /** `ADYEN_API_KEY`: the web service user's API key. */
  apiKey: string;
  /** `ADYEN_MERCHANT_ACCOUNT`: the merchant account payments were taken on. */
  merchantAccount: string;
  /** `ADYEN_HMAC_KEY`: the webhook's hex HMAC key. */
  hmacKey: string;
  /** `ADYEN_ENVIRONMENT`. */
  environment: 'TEST' | 'LIVE';
  /** `ADYEN_LIVE_URL_PREFIX`: required for LIVE. */
  liveEndpointUrlPrefix?: string;
  /** `ADYEN_API_BASE`, `ADYEN_REPORT_BASE`: other origins (test doubles). */
  apiBase?: string;
  reportBase?: string;
}

/** One payment provider with a connector of its own. */
export type ProviderSettings = StripeSettings | AdyenSettings;

/**
 * Which payment providers refunds go through (`PAYMENTS_MODE`, validated by app/config.ts).
 * `simulated`: the simulated gateway stands in for every card provider — the embedded default and
 * tests. `providers`: several at once (`PAYMENTS_MODE=stripe,adyen`), each payment refunded through
 * the connector of the provider that captured it; a provider with no connector is held as an
 * exception on its refund. The store-credit ledger is always on, in either mode.
 */
export type PaymentsSettings =
  | {
      mode: 'simulated';
      /** How long the simulated gateway takes to settle a refund (`SIMULATED_SETTLEMENT_DELAY_MS`). */
      settlementDelayMs: number;
    }
  | {
      mode: 'providers';
      /** At least one, each provider once. */
      providers: readonly ProviderSettings[];
    };

/** The payment settings of a validated configuration. */
export function paymentsSettings(config: Config): PaymentsSettings {
  if (config.PAYMENTS_MODE === 'simulated') return { mode: 'simulated', settlementDelayMs: config.SIMULATED_SETTLEMENT_DELAY_MS };
  return { mode: 'providers', providers: config.PAYMENTS_MODE.split(',').map((name) => providerSettings(config, name)) };
}

/** One provider's settings; loadConfig has refused a provider without its credentials, so `required` only narrows the types. */
function providerSettings(config: Config, name: string): ProviderSettings {
  if (name === 'stripe') {
    const why = 'PAYMENTS_MODE includes stripe';
    return {
      provider: 'stripe',
      secretKey: required(config.STRIPE_SECRET_KEY, 'STRIPE_SECRET_KEY', why),
      webhookSecret: required(config.STRIPE_WEBHOOK_SECRET, 'STRIPE_WEBHOOK_SECRET', why),
      apiBase: config.STRIPE_API_BASE,
    };
  }
  if (name === 'adyen') {
    const why = 'PAYMENTS_MODE includes adyen';
    return {
      provider: 'adyen',
      apiKey: required(config.ADYEN_API_KEY, 'ADYEN_API_KEY', why),
      merchantAccount: required(config.ADYEN_MERCHANT_ACCOUNT, 'ADYEN_MERCHANT_ACCOUNT', why),
      hmacKey: required(config.ADYEN_HMAC_KEY, 'ADYEN_HMAC_KEY', why),
      environment: config.ADYEN_ENVIRONMENT,
      liveEndpointUrlPrefix: config.ADYEN_LIVE_URL_PREFIX,
      apiBase: config.ADYEN_API_BASE,
      reportBase: config.ADYEN_REPORT_BASE,
    };
  }
  throw new Error(`PAYMENTS_MODE names "${name}", which has no payment connector in this build; known: stripe, adyen`);
}

/** The backends of one process, as the subgraphs receive them: ports, never the adapters' types. */
export interface Connectors {
  /**
   * The ERP (`ERP_CONNECTOR`, app/erp.ts): the reference ERP (the embedded default's system of
   * record, in its own schema), NetSuite or Business Central, behind the shared limiter, so the
   * rate limit and concurrency cap hold for every instance of inventory and refunds together.
   */
  erp: ErpConnector;
  /** The payment providers refunds go through. */
  payments: RefundsPayments;
  /**
   * The commerce platforms orders take webhooks from and returns mirror to, one per source
   * (`COMMERCE_CONNECTOR`, app/commerce.ts): none by default, or Shopify. Tests pass the reference
   * shop (`connectors/commerce/reference`) or a Shopify connector on the fake explicitly.
   */
  commerce: readonly CommerceConnector[];
}

/**
 * Chooses and builds the connectors of one process over its database. Called once per process
 * by its entry point (or per test graph): every subgraph of the process shares what it returns,
 * and nothing holds them beyond the subgraphs built with them.
 */
export function buildConnectors(
  db: Db,
  payments: PaymentsSettings,
  commerce: readonly CommerceConnector[] = [],
  erp: ErpSettings = REFERENCE_ERP_SETTINGS,
  drills: DrillSettings = {},
): Connectors {
  const limiter = new SharedErpLimiter(db, { accountKey: erpAccountKey(erp), ...erp.limits });
  const adapter = erpAdapter(db, erp);
  // The outage drill wraps the reference ERP only: a drill never touches a real ERP.
  const drilled = erp.connector === 'reference' && drills.erpOutage ? new ErpOutageDrill(adapter, drills.erpOutage) : adapter;
  return { erp: new SharedThrottledErp(drilled, limiter), payments: paymentProviders(db, payments, drills), commerce };
}

/**
 * The gateways and webhook verifiers of every configured provider, plus the store-credit ledger
 * (always: store credit and gift cards are paid back through it in every mode) and its statements.
 */
function paymentProviders(db: Db, settings: PaymentsSettings, drills: DrillSettings): RefundsPayments {
  const ledger = new StoreCreditLedger(db);
  const storeCredit = new StoreCreditStatements(db);
  if (settings.mode === 'simulated') {
    const simulated = new SimulatedGateway(db, { settlementDelayMs: settings.settlementDelayMs, drill: drills.refunds });
    return { gateways: [ledger], simulated, verifiers: [], storeCredit };
  }
  if (settings.providers.length === 0) throw new Error('PaymentsSettings mode "providers" needs at least one provider, but got none');
  // The providers' SDKs are required only when configured: Adyen's alone took 0.8 s of every start.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose, see above
  const providers = require('./payment-providers') as { providerConnectors: typeof providerConnectors };
  const built = settings.providers.map((provider) => providers.providerConnectors(db, provider));
  return { gateways: [...built.map((provider) => provider.gateway), ledger], verifiers: built.map((provider) => provider.verifier), storeCredit };
}

/**
 * What `connectorSchemas` needs of the payment settings: `PaymentsSettings` itself (simulated, or
 * providers with their list), or the mode as `PAYMENTS_MODE` spells it (`simulated`, or providers
 * separated by commas: `stripe,adyen`).
 */
export interface PaymentsChoice {
  readonly mode: string;
  readonly providers?: readonly { readonly provider: string }[];
}

/** True when Adyen is one of the configured providers. */
function includesAdyen(payments: PaymentsChoice): boolean {
  if (payments.providers) return payments.providers.some((provider) => provider.provider === 'adyen');
  return payments.mode.split(',').some((provider) => provider.trim() === 'adyen');
}

/**
 * The schemas each subgraph's connectors keep in our database: the reference ERP (inventory and
 * refunds; with Business Central it keeps the stock movements BC's API cannot take), the ERP
 * limiter every instance shares (`erp_limiter`, inventory and refunds), the
 * store-credit ledger (refunds, always), the simulated payment gateway (refunds, simulated mode
 * only: a real provider keeps its own state, so provider mode creates no `payments_sim` schema),
 * and the Adyen report index (refunds, when Adyen is a provider: the names of settlement reports
 * Adyen announces once, which reconciliation reads). The reference shop (`commerce_ref`) is no
 * running graph's connector: it is the commerce port's reference adapter for the contract suite
 * and the tests, which migrate every schema (`ALL_MIGRATIONS`).
 */
export function connectorSchemas(payments: PaymentsChoice): Readonly<Record<string, readonly string[]>> {
  const refunds = payments.mode === 'simulated' ? ['erp', 'erp_limiter', 'payments_sim', 'store_credit'] : ['erp', 'erp_limiter', 'store_credit'];
  if (includesAdyen(payments)) refunds.push('adyen');
  return { inventory: ['erp', 'erp_limiter'], refunds };
}
