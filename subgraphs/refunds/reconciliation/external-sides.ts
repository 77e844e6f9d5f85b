import { PaymentUnavailableError, type PaymentGateway } from '../../../connectors/payments/port';
import { ErpUnavailableError, type ErpConnector } from '../../../connectors/erp/port';
import { INTERNAL_PROVIDER } from '../domain/calculate';
import type { ErpSide, ProviderSide, Window } from './types';

/**
 * The providers a run reads: each gateway of its own, and the simulated stand-in (embedded default,
 * tests) for every provider without one. The same routing the executor pays through
 * (`execution/gateways.ts`), so a tender is looked for where it was paid.
 */
export class ProviderSources {
  private readonly byProvider = new Map<string, PaymentGateway>();

  constructor(
    gateways: readonly PaymentGateway[],
    private readonly fallback?: PaymentGateway,
  ) {
    for (const gateway of gateways) this.byProvider.set(gateway.provider, gateway);
  }

  /** Every source, each once. */
  all(): PaymentGateway[] {
    const sources = [...this.byProvider.values()];
    if (this.fallback && !this.byProvider.has(this.fallback.provider)) sources.push(this.fallback);
    return sources;
  }

  /** The source holding a tender of `provider`; null for internal tenders and providers nothing pays through. */
  sourceOf(provider: string): string | null {
    if (provider === INTERNAL_PROVIDER) return null;
    return (this.byProvider.get(provider) ?? this.fallback)?.provider ?? null;
  }
}

/**
 * One provider's records in `window`, or why not: UNSUPPORTED when its connector cannot list,
 * UNAVAILABLE when the listing failed. A failure here is reported on the run, never guessed around.
 */
export async function readProvider(gateway: PaymentGateway, window: Window): Promise<ProviderSide> {
  if (!gateway.listRefunds) {
    return { provider: gateway.provider, status: 'UNSUPPORTED', message: `the ${gateway.provider} connector cannot list its refunds`, records: [] };
  }
  try {
    return { provider: gateway.provider, status: 'OK', message: null, records: await gateway.listRefunds(window) };
  } catch (error) {
    // PaymentUnavailableError is the port's word for it; anything else thrown still leaves the records unknown.
    const why = error instanceof PaymentUnavailableError || error instanceof Error ? error.message : String(error);
    return { provider: gateway.provider, status: 'UNAVAILABLE', message: `${gateway.provider} refunds could not be read: ${why}`, records: [] };
  }
}

/** The ERP's credit memos in `window`, or why not (as `readProvider`). */
export async function readErp(erp: ErpConnector, window: Window): Promise<ErpSide> {
  if (!erp.listCreditMemos) return { status: 'UNSUPPORTED', message: 'the ERP connector cannot list its credit memos', records: [] };
  try {
    return { status: 'OK', message: null, records: await erp.listCreditMemos(window) };
  } catch (error) {
    const why = error instanceof ErpUnavailableError || error instanceof Error ? error.message : String(error);
    return { status: 'UNAVAILABLE', message: `ERP credit memos could not be read: ${why}`, records: [] };
  }
}
