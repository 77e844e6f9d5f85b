import type { PaymentGateway } from '../../../connectors/payments/port';

/**
 * Which gateway pays back a payment of a given provider. Several providers are configured at once
 * (Stripe for web payments, Adyen for store payments, the store-credit ledger always), each tender
 * carrying its payment's provider. In the embedded default one simulated gateway stands in for
 * every card provider; in production a provider without a connector has no gateway here, and the
 * executor holds its tenders as an exception rather than guessing (`unconfigured-provider.ts`).
 */
export class GatewayRouter {
  private readonly byProvider = new Map<string, PaymentGateway>();

  constructor(
    gateways: readonly PaymentGateway[],
    /** Used for providers without their own gateway; none in production. */
    private readonly fallback?: PaymentGateway,
  ) {
    for (const gateway of gateways) {
      // Two connectors for one provider would make the route depend on list order: refuse at start-up.
      if (this.byProvider.has(gateway.provider)) throw new Error(`Two payment gateways are configured for provider "${gateway.provider}"; configure one`);
      this.byProvider.set(gateway.provider, gateway);
    }
  }

  /** The gateway for `provider`, or undefined when none is configured (and there is no fallback). */
  for(provider: string): PaymentGateway | undefined {
    return this.byProvider.get(provider) ?? this.fallback;
  }

  /** The providers with a gateway of their own, for start-up logs and tests. */
  providers(): string[] {
    return [...this.byProvider.keys()];
  }
}
