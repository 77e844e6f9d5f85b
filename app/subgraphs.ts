import type { SubgraphDefinition } from '../platform/subgraph';
import { ordersSubgraph } from '../subgraphs/orders';
import { returnsSubgraph, type ReturnsSettings } from '../subgraphs/returns';
import { inventorySubgraph } from '../subgraphs/inventory';
import { refundsSubgraph, type RefundsSettings } from '../subgraphs/refunds';
import type { PaymentsSettings } from '../subgraphs/refunds/payments';
import { loadConfig, required, type Config } from './config';

/** What each configurable subgraph's factory receives, taken from the validated configuration. */
export interface SubgraphSettings {
  returns: ReturnsSettings;
  refunds: RefundsSettings;
}

/** The subgraphs' settings from the validated configuration. */
export function subgraphSettings(config: Config): SubgraphSettings {
  return {
    returns: { defaultLocationId: config.RETURNS_DEFAULT_LOCATION_ID },
    refunds: { secondApproverAboveMinor: config.REFUNDS_SECOND_APPROVER_ABOVE_MINOR, payments: paymentsSettings(config) },
  };
}

/** The defaults of every setting (an empty environment): tests and benches that configure nothing. */
export function defaultSubgraphSettings(): SubgraphSettings {
  return subgraphSettings(loadConfig({}));
}

function paymentsSettings(config: Config): PaymentsSettings {
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
 * Every subgraph built with its settings, in the order they publish to the registry: orders first,
 * because the others extend its entities (inventory's `OrderLine.inventoryItem` requires the `sku`
 * orders owns).
 */
export function allSubgraphs(settings: SubgraphSettings): readonly SubgraphDefinition<unknown>[] {
  return [
    ordersSubgraph as SubgraphDefinition<unknown>,
    returnsSubgraph(settings.returns) as SubgraphDefinition<unknown>,
    refundsSubgraph(settings.refunds) as SubgraphDefinition<unknown>,
    inventorySubgraph as SubgraphDefinition<unknown>,
  ];
}

export type SubgraphName = SubgraphDefinition<unknown>['name'];

/** A subgraph by name; a typo is a start-up error listing the names. */
export function subgraphNamed(name: string, settings: SubgraphSettings): SubgraphDefinition<unknown> {
  const subgraphs = allSubgraphs(settings);
  const found = subgraphs.find((subgraph) => subgraph.name === name);
  if (!found) throw new Error(`Unknown subgraph "${name}"; known: ${subgraphs.map((s) => s.name).join(', ')}`);
  return found;
}
