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
 * Payment providers from the environment. Default (`PAYMENTS_MODE=simulated`): the simulated
 * gateway stands in for every card provider — the embedded default and tests. `PAYMENTS_MODE=stripe`
 * refunds Stripe payments through Stripe (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`, optional
 * `STRIPE_API_BASE`) and refuses providers with no connector rather than guessing.
 */
export function paymentsFromEnv(db: Db, env: NodeJS.ProcessEnv = process.env): Payments {
  const mode = env.PAYMENTS_MODE ?? 'simulated';
  if (mode === 'simulated') {
    const simulated = new SimulatedWorld(db, new SimulatedGateway(db, { settlementDelayMs: Number(env.SIMULATED_SETTLEMENT_DELAY_MS ?? 300) }));
    return { router: new GatewayRouter([], simulated), verifiers: [] };
  }
  if (mode === 'stripe') {
    const secretKey = env.STRIPE_SECRET_KEY;
    const endpointSecret = env.STRIPE_WEBHOOK_SECRET;
    if (!secretKey || !endpointSecret) throw new Error('PAYMENTS_MODE=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET');
    return {
      router: new GatewayRouter([new StripeGateway({ secretKey, apiBase: env.STRIPE_API_BASE })]),
      verifiers: [new StripeWebhookVerifier({ endpointSecret })],
    };
  }
  throw new Error(`PAYMENTS_MODE must be "simulated" or "stripe", but got: ${JSON.stringify(mode)}`);
}
