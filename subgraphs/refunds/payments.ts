import type { Db } from '../../platform/db';
import type { PaymentGateway, RefundWebhookVerifier, StoreCreditAccounts } from '../../connectors/payments/port';
import { GatewayRouter } from './execution/gateways';
import { SimulatedWorld, type SimulatedProvider } from './execution/simulated-world';

/**
 * The payment providers refunds go through. `app/` chooses the adapters from its validated
 * settings (`PAYMENTS_MODE`); this subgraph only ever sees the ports.
 */
export interface RefundsPayments {
  /**
   * One gateway per provider that has a connector of its own, several at once (Stripe, Adyen, and
   * the store-credit ledger always); each tender goes to the gateway of its payment's provider.
   */
  gateways: readonly PaymentGateway[];
  /**
   * Pays back every provider without a gateway of its own, told of each captured payment first:
   * the simulated gateway of the embedded default and tests. Absent in production, where a payment
   * of an unconfigured provider is refused rather than guessed.
   */
  simulated?: SimulatedProvider;
  /** Verifies each provider's webhooks; each is served at `/webhooks/<provider>`. */
  verifiers: readonly RefundWebhookVerifier[];
  /** Customers' store-credit balances and entries (the store-credit ledger's read side), for `storeCredit`. */
  storeCredit?: StoreCreditAccounts;
}

/** The gateway each payment is refunded through, over this subgraph's database. */
export function gatewayRouter(db: Db, payments: RefundsPayments): GatewayRouter {
  return new GatewayRouter(payments.gateways, payments.simulated && new SimulatedWorld(db, payments.simulated));
}
