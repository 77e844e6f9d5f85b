import type { Db } from '../platform/db';
import type { ErpConnector } from '../connectors/erp/port';
import { ReferenceErp } from '../connectors/erp/reference/reference-erp';
import { SharedErpLimiter, type SharedLimiterOptions } from '../connectors/erp/limiter/shared-limiter';
import { SharedThrottledErp } from '../connectors/erp/limiter/shared-throttled-erp';
import { SimulatedGateway } from '../connectors/payments/simulated/simulated-gateway';
import { StripeGateway } from '../connectors/payments/stripe/stripe-gateway';
import { StripeWebhookVerifier } from '../connectors/payments/stripe/stripe-webhooks';
import type { RefundsPayments } from '../subgraphs/refunds';
import type { CommerceConnector } from '../connectors/commerce/port';
import { required, type Config } from './config';

/**
 * Which payment providers refunds go through (`PAYMENTS_MODE`, validated by app/config.ts).
 * `simulated`: the simulated gateway stands in for every card provider — the embedded default and
 * tests. `stripe`: Stripe payments are refunded through Stripe, and providers with no connector are
 * refused rather than guessed.
 */
export type PaymentsSettings =
  | {
      mode: 'simulated';
      /** How long the simulated gateway takes to settle a refund (`SIMULATED_SETTLEMENT_DELAY_MS`). */
      settlementDelayMs: number;
    }
  | {
      mode: 'stripe';
      /** `STRIPE_SECRET_KEY`: "sk_..." or a restricted "rk_..." key. */
      secretKey: string;
      /** `STRIPE_WEBHOOK_SECRET`: the endpoint's signing secret, "whsec_...". */
      webhookSecret: string;
      /** `STRIPE_API_BASE`: another API origin (a test double); default Stripe's own. */
      apiBase?: string;
    };

/** The payment settings of a validated configuration. */
export function paymentsSettings(config: Config): PaymentsSettings {
  if (config.PAYMENTS_MODE === 'simulated') return { mode: 'simulated', settlementDelayMs: config.SIMULATED_SETTLEMENT_DELAY_MS };
  // loadConfig has refused PAYMENTS_MODE=stripe without these; `required` only narrows the types.
  const why = 'PAYMENTS_MODE=stripe refunds through Stripe';
  return {
    mode: 'stripe',
    secretKey: required(config.STRIPE_SECRET_KEY, 'STRIPE_SECRET_KEY', why),
    webhookSecret: required(config.STRIPE_WEBHOOK_SECRET, 'STRIPE_WEBHOOK_SECRET', why),
    apiBase: config.STRIPE_API_BASE,
  };
}

/**
 * How hard the graph may press on the ERP, over all its instances (`SharedErpLimiter`, shared
 * through the database). The lead wires these from `ERP_REQUESTS_PER_SECOND`, `ERP_BURST` and
 * `ERP_MAX_CONCURRENCY`; each defaults to the limiter's own default (10/s, 1, 4).
 */
export type ErpLimits = Omit<SharedLimiterOptions, 'accountKey'>;

/**
 * The budget key of the reference ERP: it is one account, whichever instance posts to it. A real
 * ERP's key would name its account (e.g. `netsuite:<account id>`).
 */
export const REFERENCE_ERP_ACCOUNT = 'reference';

/** The backends of one process, as the subgraphs receive them: ports, never the adapters' types. */
export interface Connectors {
  /**
   * The ERP: the reference ERP (the embedded default's system of record, in its own schema) behind
   * the shared limiter, so the rate limit and concurrency cap hold for every instance of inventory
   * and refunds together. A NetSuite connector would be chosen here by configuration.
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
export function buildConnectors(db: Db, payments: PaymentsSettings, commerce: readonly CommerceConnector[] = [], erpLimits: ErpLimits = {}): Connectors {
  const limiter = new SharedErpLimiter(db, { accountKey: REFERENCE_ERP_ACCOUNT, ...erpLimits });
  return { erp: new SharedThrottledErp(new ReferenceErp(db), limiter), payments: paymentProviders(db, payments), commerce };
}

function paymentProviders(db: Db, settings: PaymentsSettings): RefundsPayments {
  if (settings.mode === 'simulated') {
    return { gateways: [], simulated: new SimulatedGateway(db, { settlementDelayMs: settings.settlementDelayMs }), verifiers: [] };
  }
  return {
    gateways: [new StripeGateway({ secretKey: settings.secretKey, apiBase: settings.apiBase })],
    verifiers: [new StripeWebhookVerifier({ endpointSecret: settings.webhookSecret })],
  };
}

/**
 * The schemas of the embedded stand-ins each subgraph's connectors keep in our database: the
 * reference ERP (the only ERP connector so far) and the ERP limiter every instance shares
 * (`erp_limiter`) for inventory and refunds, and the simulated
 * payment gateway for refunds in simulated mode only. A real provider keeps its own state, so
 * Stripe mode creates no `payments_sim` schema. The reference shop (`commerce_ref`) is no running
 * graph's connector: it is the commerce port's reference adapter for the contract suite and the
 * tests, which migrate every schema (`ALL_MIGRATIONS`).
 */
export function connectorSchemas(payments: Pick<PaymentsSettings, 'mode'>): Readonly<Record<string, readonly string[]>> {
  return {
    inventory: ['erp', 'erp_limiter'],
    refunds: payments.mode === 'simulated' ? ['erp', 'erp_limiter', 'payments_sim'] : ['erp', 'erp_limiter'],
  };
}
