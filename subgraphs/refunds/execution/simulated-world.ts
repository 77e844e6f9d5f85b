import type { Queryable } from '../../../platform/db';
import type { PaymentGateway, ProviderRefund, RefundRequest } from '../../../connectors/payments/port';

/**
 * A simulated provider (the simulated gateway's port, so this subgraph never imports the adapter):
 * a gateway that must be told of a captured payment before it can refund it.
 */
export interface SimulatedProvider extends PaymentGateway {
  registerPayment(reference: string, capturedMinor: number, currency: string): Promise<void>;
}

/**
 * The embedded default's stand-in for every card provider: the simulated gateway, told about each
 * captured payment (from the refunds subgraph's order snapshots) before its first refund — what a
 * real provider knows because it captured the payment. Only the embedded default and tests use it.
 */
export class SimulatedWorld implements PaymentGateway {
  readonly provider: string;

  constructor(
    private readonly db: Queryable,
    private readonly gateway: SimulatedProvider,
  ) {
    this.provider = gateway.provider;
  }

  async createRefund(request: RefundRequest): Promise<ProviderRefund> {
    const { rows } = await this.db.query<{ captured: number; currency: string }>(
      `SELECT (p->>'capturedMinor')::int8 AS captured, o.currency FROM refunds.order_snapshots o, jsonb_array_elements(o.payments) p
        WHERE p->>'providerReference' = $1 LIMIT 1`,
      [request.paymentReference],
    );
    const payment = rows[0];
    if (payment && payment.captured > 0) await this.gateway.registerPayment(request.paymentReference, payment.captured, payment.currency);
    return this.gateway.createRefund(request);
  }

  getRefund(providerRefundId: string): Promise<ProviderRefund> {
    return this.gateway.getRefund(providerRefundId);
  }
}
