import type { Db } from '../../platform/db';
import type { RefundWebhookVerifier } from '../../connectors/payments/port';
import { SimulatedGateway } from '../../connectors/payments/simulated/simulated-gateway';
import { StripeGateway } from '../../connectors/payments/stripe/stripe-gateway';
import { StripeWebhookVerifier } from '../../connectors/payments/stripe/stripe-webhooks';
import { GatewayRouter } from './execution/gateways';
import { SimulatedWorld } from './execution/simulated-world';

/** The payment providers of this process and the webhooks they send. */
export interface Payments {
  router: GatewayRouter;
  verifiers: RefundWebhookVerifier[];
}

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

/** The payment providers the settings name, over this subgraph's database. */
export function paymentsFor(db: Db, settings: PaymentsSettings): Payments {
  if (settings.mode === 'simulated') {
    const simulated = new SimulatedWorld(db, new SimulatedGateway(db, { settlementDelayMs: settings.settlementDelayMs }));
    return { router: new GatewayRouter([], simulated), verifiers: [] };
  }
  return {
    router: new GatewayRouter([new StripeGateway({ secretKey: settings.secretKey, apiBase: settings.apiBase })]),
    verifiers: [new StripeWebhookVerifier({ endpointSecret: settings.webhookSecret })],
  };
}
