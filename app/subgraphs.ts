import type { Db } from '../platform/db';
import type { SubgraphDefinition } from '../platform/subgraph';
import { ordersSubgraph } from '../subgraphs/orders';
import { returnsSubgraph, type ReturnsSettings, type WarehouseSettings } from '../subgraphs/returns';
import { createWarehouseConnector } from '../connectors/warehouse/warehouse-connector';
import { inventorySubgraph } from '../subgraphs/inventory';
import { refundsSubgraph, type RefundsSettings } from '../subgraphs/refunds';
import type { OrderedDrainOptions } from '../platform/posting-queue/ordered-drain';
import { buildConnectors, paymentsSettings, type Connectors, type PaymentsSettings } from './connectors';
import { loadConfig, type Config } from './config';
import { commerceConnectors, commerceSettings, type CommerceSettings } from './commerce';
import type { CommerceConnector } from '../connectors/commerce/port';
import { erpSettings, type ErpSettings } from './erp';
import { drillSettings, type DrillSettings } from './drills';

/** What the subgraphs and their connectors are configured with, taken from the validated configuration. */
export interface SubgraphSettings {
  returns: ReturnsSettings;
  /** Warehouse webhooks and file drops into the returns subgraph (`WAREHOUSE_*`); none by default. */
  warehouse: WarehouseSettings;
  refunds: RefundsSettings;
  /** Which payment providers refunds go through: app/connectors.ts builds them. */
  payments: PaymentsSettings;
  /** Which commerce platform orders come from and returns are mirrored to: app/commerce.ts builds it. */
  commerce: CommerceSettings;
  /** Which ERP postings go to and its limits across instances: app/erp.ts and app/connectors.ts build it. */
  erp: ErpSettings;
  /**
   * The ERP posting queues' workers (credit memos in refunds, stock movements in inventory):
   * `exceptionAfterAttempts` from `ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS`; the backoff is
   * `OrderedDrain`'s (1 s to 30 s).
   */
  erpPosting?: OrderedDrainOptions;
  /** Failure drills (DRILL_*): the simulated gateway, the reference ERP and one consumer; none by default. */
  drills?: DrillSettings;
}

/** The subgraphs' settings from the validated configuration. */
export function subgraphSettings(config: Config): SubgraphSettings {
  return {
    returns: { defaultLocationId: config.RETURNS_DEFAULT_LOCATION_ID, stuckAfterHours: config.RETURNS_STUCK_AFTER_HOURS },
    warehouse: warehouseSettings(config),
    refunds: {
      secondApproverAboveMinor: config.REFUNDS_SECOND_APPROVER_ABOVE_MINOR,
      executorConcurrency: config.REFUND_EXECUTOR_CONCURRENCY,
      reconciliation: {
        intervalMs: config.RECONCILIATION_INTERVAL_MS,
        lookbackHours: config.RECONCILIATION_LOOKBACK_HOURS,
        graceHours: config.RECONCILIATION_GRACE_HOURS,
      },
    },
    payments: paymentsSettings(config),
    commerce: commerceSettings(config),
    erp: erpSettings(config),
    erpPosting: { exceptionAfterAttempts: config.ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS },
    drills: drillSettings(config),
  };
}

/** The warehouse settings of a validated configuration: `WAREHOUSE_SECRETS` split into one secret per warehouse id. */
export function warehouseSettings(config: Config): WarehouseSettings {
  const pairs = (config.WAREHOUSE_SECRETS ?? '').split(',').filter((pair) => pair.length > 0);
  return {
    // loadConfig has checked the form ("id=secret", unique ids); the first "=" splits each pair.
    secrets: Object.fromEntries(pairs.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])),
    signatureToleranceSeconds: config.WAREHOUSE_SIGNATURE_TOLERANCE_S,
    dropDir: config.WAREHOUSE_DROP_DIR ?? null,
    dropPollMs: config.WAREHOUSE_DROP_POLL_MS,
  };
}

/** The defaults of every setting (an empty environment): tests and benches that configure nothing. */
export function defaultSubgraphSettings(): SubgraphSettings {
  return subgraphSettings(loadConfig({}));
}

/**
 * The connectors of a process that hosts every subgraph (the embedded default, the tests, the demo
 * seed's settling): one set, so inventory and refunds share one throttled ERP. `commerce` replaces
 * the ones `settings` names (tests pass fakes).
 */
export function graphConnectors(db: Db, settings: SubgraphSettings, commerce?: readonly CommerceConnector[]): Connectors {
  return buildConnectors(db, settings.payments, commerce ?? commerceConnectors(settings.commerce), settings.erp, settings.drills);
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
 * `sku` orders owns); returns last, because its operations entities (the exceptions queue's
 * `ExceptionConnection`, `ReturnsKpis`, `BusinessTrace`, docs/design/011) require fields the other
 * three contribute, and a subgraph naming an `@external` field nobody defines yet does not compose.
 */
const FACTORIES: Readonly<Record<SubgraphName, (deps: SubgraphDependencies) => SubgraphDefinition<unknown>>> = {
  orders: ({ db, connectors }) => ordersSubgraph({ db, commerce: connectors.commerce }) as SubgraphDefinition<unknown>,
  refunds: ({ db, connectors, settings }) =>
    refundsSubgraph({
      db,
      payments: connectors.payments,
      erp: connectors.erp,
      settings: settings.refunds,
      erpPosting: settings.erpPosting,
    }) as SubgraphDefinition<unknown>,
  inventory: ({ db, connectors, settings }) => inventorySubgraph({ db, erp: connectors.erp, erpPosting: settings.erpPosting }) as SubgraphDefinition<unknown>,
  returns: ({ db, connectors, settings }) =>
    returnsSubgraph({
      settings: settings.returns,
      db,
      mirrors: connectors.commerce.map((connector) => connector.mirror),
      warehouse: warehouseDependencies(db, settings.warehouse),
    }) as SubgraphDefinition<unknown>,
};

/** The warehouse intake of the returns subgraph, when any webhook secret or a drop folder is configured. */
function warehouseDependencies(db: Db, settings: WarehouseSettings) {
  if (Object.keys(settings.secrets).length === 0 && !settings.dropDir) return undefined;
  const connector = createWarehouseConnector({ secrets: settings.secrets, toleranceSeconds: settings.signatureToleranceSeconds });
  return { db, connector, settings };
}

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
