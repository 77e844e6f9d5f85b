import {
  DEFAULT_RECONCILIATION_ROWS,
  MAX_AVAILABILITY_LOCATIONS,
  MAX_AVAILABILITY_SKUS,
  MAX_LOCATIONS,
  MAX_RECONCILIATION_ROWS,
} from '../../contracts/query-limits';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/graphql/connection';
import { MAX_CATCH_UP } from '../../platform/events/update-log';

/**
 * How many items a field returns, stated once per field of the graph whose size an argument
 * decides. The gateway prices every operation with these rules before any subgraph is called
 * (`measureOperation`) and refuses list arguments longer than their `max` with BAD_USER_INPUT.
 *
 * Why a table here rather than directives in the subgraphs' SDL: the sizes we must express are
 * products of list lengths (`availability` is SKUs × locations) and "absent means every location",
 * which Federation's `@listSize` cannot say (its slicing arguments are integers); a custom
 * composed directive would need a small language in strings, parsed again on every supergraph
 * update. A typed table is checked by the compiler, the bounds come from `contracts/` (where the
 * subgraphs take theirs), and `cost-rules.test.ts` fails when a field of the composed supergraph
 * takes a list or `first` argument without a rule here, so a new field cannot be forgotten.
 */
export interface ListSizeRule {
  /**
   * An integer argument that bounds the page (`first`): its value, or `whenAbsent`. A negative
   * value is refused; one above `max` is refused too, unless the field documents that it
   * clamps larger values to `max` (`clamped`).
   */
  page?: { argument: string; whenAbsent: number; max: number; clamped?: boolean };
  /**
   * List arguments that each ask for one result per item; their lengths multiply (SKUs ×
   * locations). A list longer than `max` is refused; an absent one counts as `whenAbsent`.
   */
  listArguments?: readonly { argument: string; max: number; whenAbsent?: number }[];
  /** Items returned when no argument decides it (a fixed enumeration, every location). */
  assumed?: number;
}

/**
 * Stock states a `StockLevel.quantities` list reports: one per `StockState` (INCOMING,
 * PENDING_INSPECTION, SELLABLE, RESERVED, DAMAGED, REFURBISH, VENDOR_RETURN).
 */
const STOCK_STATE_COUNT = 7;

/** Every location, or the ones named: absent `locationIds` is every location of the deployment. */
const LOCATIONS = { argument: 'locationIds', max: MAX_AVAILABILITY_LOCATIONS, whenAbsent: MAX_LOCATIONS } as const;

/** A Relay connection paged by `first` with the shared page sizes (platform/graphql/connection.ts). */
const CONNECTION_PAGE: ListSizeRule = { page: { argument: 'first', whenAbsent: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE } };

/** Subscription catch-up lists: `first` defaults to, and is clamped at, one catch-up page. */
const CATCH_UP_PAGE: ListSizeRule = { page: { argument: 'first', whenAbsent: MAX_CATCH_UP, max: MAX_CATCH_UP, clamped: true } };

/**
 * The operations read models (docs/design/011). A trace's hop lists and a KPI query's groups take
 * no size argument: each is one bounded query per subgraph (at most 2000 hops each, at most 366
 * days or MAX_LOCATIONS stores). They are priced at a typical size — a return's flows are tens
 * of hops, a month by day is 31 groups — so the console's queries pass while a query nesting them
 * still multiplies.
 */
const TYPICAL_TRACE_HOPS = 100;
const TYPICAL_KPI_GROUPS = 31;

/** The rules, by `Type.field` of the API schema. */
export const COST_RULES: Readonly<Record<string, ListSizeRule>> = {
  'Query.availability': { listArguments: [{ argument: 'skus', max: MAX_AVAILABILITY_SKUS }, LOCATIONS] },
  'InventoryItem.availability': { listArguments: [LOCATIONS] },
  'Query.inventoryAccuracy': { listArguments: [LOCATIONS] },
  'Query.locations': { assumed: MAX_LOCATIONS },
  'StockLevel.quantities': { assumed: STOCK_STATE_COUNT },
  'Query.orders': CONNECTION_PAGE,
  'Query.returns': CONNECTION_PAGE,
  'Query.inventoryLedger': CONNECTION_PAGE,
  'Query.products': CONNECTION_PAGE,
  'Query.commerceDeliveries': CONNECTION_PAGE,
  'EventPipeline.deadLetters': CONNECTION_PAGE,
  'Query.reconciliationRuns': CONNECTION_PAGE,
  'Query.reconciliationExceptions': CONNECTION_PAGE,
  /** The exceptions queue: each subgraph's contribution holds at most first + 1, so the page bounds them all. */
  'Query.exceptions': CONNECTION_PAGE,
  /** Every exception source gives at most five evidence items (subgraphs/<name>/exceptions.ts). */
  'OperationsException.evidence': { assumed: 5 },
  /** One entry per exception kind at most, one per aging bucket. */
  'ExceptionBacklog.byKind': { assumed: 8 },
  'ExceptionBacklog.aging': { assumed: 4 },
  'ExceptionContribution.byKind': { assumed: 8 },
  'ExceptionContribution.aging': { assumed: 4 },
  'StoreCreditAccount.entries': CONNECTION_PAGE,
  'Query.returnStatusUpdates': CATCH_UP_PAGE,
  'Query.refundUpdates': CATCH_UP_PAGE,
  'Query.returnStatusUpdatePage': CATCH_UP_PAGE,
  'Query.refundUpdatePage': CATCH_UP_PAGE,
  'ReturnsKpis.groups': { assumed: TYPICAL_KPI_GROUPS },
  'ReturnsKpis.inventoryAccuracy': { assumed: STOCK_STATE_COUNT },
  'BusinessTrace.hops': { assumed: TYPICAL_TRACE_HOPS },
  'BusinessTrace.returnsHops': { assumed: TYPICAL_TRACE_HOPS },
  'BusinessTrace.ordersHops': { assumed: TYPICAL_TRACE_HOPS },
  'BusinessTrace.inventoryHops': { assumed: TYPICAL_TRACE_HOPS },
  'BusinessTrace.refundsHops': { assumed: TYPICAL_TRACE_HOPS },
  'Query.reconciliation': { page: { argument: 'first', whenAbsent: DEFAULT_RECONCILIATION_ROWS, max: MAX_RECONCILIATION_ROWS, clamped: true } },
};

/** The rule of `parentType.field`, if the table has one. */
export function costRule(parentType: string, field: string): ListSizeRule | undefined {
  return COST_RULES[`${parentType}.${field}`];
}
