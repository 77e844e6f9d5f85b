import type { Db } from '../platform/db';
import type { SubgraphDefinition } from '../platform/subgraph';
import { ordersSubgraph } from '../subgraphs/orders';
import { returnsSubgraph, type ReturnsSettings } from '../subgraphs/returns';
import { inventorySubgraph } from '../subgraphs/inventory';
import { refundsSubgraph, type RefundsSettings } from '../subgraphs/refunds';
import { paymentsSettings, type Connectors, type PaymentsSettings } from './connectors';
import { loadConfig, type Config } from './config';

/** What the subgraphs and their connectors are configured with, taken from the validated configuration. */
export interface SubgraphSettings {
  returns: ReturnsSettings;
  refunds: RefundsSettings;
  /** Which payment providers refunds go through: app/connectors.ts builds them. */
  payments: PaymentsSettings;
}

/** The subgraphs' settings from the validated configuration. */
export function subgraphSettings(config: Config): SubgraphSettings {
  return {
    returns: { defaultLocationId: config.RETURNS_DEFAULT_LOCATION_ID },
    refunds: { secondApproverAboveMinor: config.REFUNDS_SECOND_APPROVER_ABOVE_MINOR },
    payments: paymentsSettings(config),
  };
}

/** The defaults of every setting (an empty environment): tests and benches that configure nothing. */
export function defaultSubgraphSettings(): SubgraphSettings {
  return subgraphSettings(loadConfig({}));
}

/** What the subgraphs of one process are built from. */
export interface SubgraphDependencies {
  /** The process's database; each subgraph owns its schema in it. */
  db: Db;
  /** The process's connectors (`buildConnectors`), shared by every subgraph that uses them. */
  connectors: Connectors;
  settings: SubgraphSettings;
}

export type SubgraphName = SubgraphDefinition<unknown>['name'];

/**
 * Each subgraph's factory given what it uses, in the order they publish to the registry: orders
 * first, because the others extend its entities (inventory's `OrderLine.inventoryItem` requires the
 * `sku` orders owns).
 */
const FACTORIES: Readonly<Record<SubgraphName, (deps: SubgraphDependencies) => SubgraphDefinition<unknown>>> = {
  orders: ({ db, connectors }) => ordersSubgraph({ db, commerce: connectors.commerce }) as SubgraphDefinition<unknown>,
  returns: ({ db, connectors, settings }) =>
    returnsSubgraph({ settings: settings.returns, db, mirrors: connectors.commerce.map((connector) => connector.mirror) }) as SubgraphDefinition<unknown>,
  refunds: ({ db, connectors, settings }) =>
    refundsSubgraph({ db, payments: connectors.payments, erp: connectors.erp, settings: settings.refunds }) as SubgraphDefinition<unknown>,
  inventory: ({ connectors }) => inventorySubgraph({ erp: connectors.erp }) as SubgraphDefinition<unknown>,
};

/** Every subgraph built with its dependencies, in the order they publish to the registry. */
export function allSubgraphs(deps: SubgraphDependencies): readonly SubgraphDefinition<unknown>[] {
  return Object.values(FACTORIES).map((factory) => factory(deps));
}

/** One subgraph built with its dependencies; a typo is a start-up error listing the names. */
export function subgraphNamed(name: string, deps: SubgraphDependencies): SubgraphDefinition<unknown> {
  const factory = (FACTORIES as Partial<Record<string, (deps: SubgraphDependencies) => SubgraphDefinition<unknown>>>)[name];
  if (!factory) throw new Error(`Unknown subgraph "${name}"; known: ${Object.keys(FACTORIES).join(', ')}`);
  return factory(deps);
}
