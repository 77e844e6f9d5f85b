import type { PaymentGateway } from '../../../connectors/payments/port';

/**
 * Which gateway pays back a payment of a given provider. In the embedded default one simulated
 * gateway stands in for every card provider; in production each provider has its connector (Stripe)
 * and anything unconfigured is refused rather than guessed.
 */
export class GatewayRouter {
  private readonly byProvider = new Map<string, PaymentGateway>();

  constructor(
    gateways: readonly PaymentGateway[],
    /** Used for providers without their own gateway; none in production. */
    private readonly fallback?: PaymentGateway,
  ) {
    for (const gateway of gateways) this.byProvider.set(gateway.provider, gateway);
  }

  /** The gateway for `provider`; throws when none is configured. */
  for(provider: string): PaymentGateway {
    const gateway = this.byProvider.get(provider) ?? this.fallback;
    if (!gateway) throw new Error(`No payment gateway is configured for provider "${provider}"`);
    return gateway;
  }
}
