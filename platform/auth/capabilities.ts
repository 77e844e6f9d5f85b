import type { Principal, Role } from './principal';

/**
 * Authorization as one table: for every operation of the graph (each root query, mutation and
 * subscription field of every subgraph), which roles may perform it and over what scope. Resolvers
 * never test roles themselves: every root field passes `guardRootFields` (`mayPerform`, before any
 * lookup), and resolvers ask `authorize` with the operation's name and the target they load. docs/design/007-security-model.md is the same table
 * in prose, with the reasons.
 *
 * Scopes:
 * - `any`: every row.
 * - `own_customer`: rows of the token's customer id.
 * - `own_marketplace`: rows of orders sold through the token's marketplace partner id.
 * - `own_store`: rows whose units are at one of the token's stores. The target names every
 *   location the operation touches (the store of a counter return, where units are received or
 *   were received); all of them must be the caller's, and a target that names none (an online
 *   return) is never a store's.
 */
export type CapabilityScope = 'any' | 'own_customer' | 'own_marketplace' | 'own_store';

/** Which roles may perform one operation, and where. A role absent from the grant may not at all. */
export type Grant = Partial<Record<Role, CapabilityScope>>;

const STAFF_READ: Grant = {
  store_associate: 'any',
  store_manager: 'any',
  service_desk: 'any',
  finance: 'any',
  operations_admin: 'any',
  service: 'any',
};

/**
 * Reading orders and what hangs off them (returns, refunds): customers their own, partners their
 * marketplace's, every staff role all (a store associate must find an online order to take its
 * return at the counter). This row is also every principal's read scope (see `tenancy.ts`).
 */
const READ_ORDERS: Grant = { customer: 'own_customer', marketplace_partner: 'own_marketplace', ...STAFF_READ };

/** Streamed updates: like reading, except that store staff follow their stores' returns only. */
const READ_UPDATES: Grant = { ...READ_ORDERS, store_associate: 'own_store', store_manager: 'own_store' };

/** Everyone may read stock levels and locations: a product page shows availability to shoppers. */
const EVERYONE: Grant = { ...READ_ORDERS, customer: 'any', marketplace_partner: 'any' };

/** Stock ledger and accuracy: staff only (movements carry actors and causes). */
const STAFF_ONLY: Grant = STAFF_READ;

/** Refund execution: finance, and operations for incidents. */
const FINANCE: Grant = { finance: 'any', operations_admin: 'any' };

/** Event pipeline operations: operators and the services that automate them. */
const OPERATORS: Grant = { operations_admin: 'any', service: 'any' };

/**
 * The capability table. Keys are root field names; the event pipeline's per-subgraph fields
 * (`returnsEventPipeline`, `replayRefundsDeadLetters`, ...) share the `eventPipeline` and
 * `replayDeadLetters` rows (see `operationOf`).
 */
export const CAPABILITIES = {
  // orders
  order: READ_ORDERS,
  orderByNumber: READ_ORDERS,
  orders: READ_ORDERS,
  /** Orders come from the commerce webhooks (service) or operations, never from a front end. */
  recordOrder: { service: 'any', operations_admin: 'any' },
  /** The commerce webhook inbox: operators and the services that automate them (bodies hold customer data). */
  commerceDeliveries: OPERATORS,
  /** Re-queues a FAILED delivery: operators. Audited. */
  retryCommerceDelivery: OPERATORS,

  // returns: reads
  return: READ_ORDERS,
  returns: READ_ORDERS,
  /** A preview of starting a return: whoever may start one (finance does not). */
  returnEligibility: {
    customer: 'own_customer',
    marketplace_partner: 'own_marketplace',
    store_associate: 'any',
    store_manager: 'any',
    service_desk: 'any',
    operations_admin: 'any',
    service: 'any',
  },
  returnStatusUpdate: READ_UPDATES,
  returnStatusUpdates: READ_UPDATES,
  returnStatusUpdatePage: READ_UPDATES,
  returnStatusChanged: READ_UPDATES,

  // returns: the lifecycle
  /** Self-service (customers, partners for their marketplace), agents and integrations on a customer's behalf. */
  requestReturn: { customer: 'own_customer', marketplace_partner: 'own_marketplace', service_desk: 'any', operations_admin: 'any', service: 'any' },
  /** At a counter: store staff in the store they name; agents and POS integrations anywhere. */
  authorizeReturn: { store_associate: 'own_store', store_manager: 'own_store', service_desk: 'any', operations_admin: 'any', service: 'any' },
  /** Requested returns are online returns (a counter authorizes on the spot): the service desk and operations decide. */
  approveReturn: { service_desk: 'any', operations_admin: 'any' },
  declineReturn: { service_desk: 'any', operations_admin: 'any' },
  /** The customer (or partner) who owns it, store staff where its units are, the service desk and operations. */
  cancelReturn: {
    customer: 'own_customer',
    marketplace_partner: 'own_marketplace',
    store_associate: 'own_store',
    store_manager: 'own_store',
    service_desk: 'any',
    operations_admin: 'any',
  },
  /** Like cancelling, plus carrier integrations (service) that scan the label. */
  markReturnInTransit: {
    customer: 'own_customer',
    marketplace_partner: 'own_marketplace',
    store_associate: 'own_store',
    store_manager: 'own_store',
    service_desk: 'any',
    operations_admin: 'any',
    service: 'any',
  },
  /** Where the units arrive: store staff at their store, the WMS (service) and the back office anywhere. */
  receiveReturnItems: { store_associate: 'own_store', store_manager: 'own_store', service_desk: 'any', operations_admin: 'any', service: 'any' },
  /** Where the units are: store staff only at their store and only for units received at their stores. */
  recordInspection: { store_associate: 'own_store', store_manager: 'own_store', service_desk: 'any', operations_admin: 'any', service: 'any' },

  /** Not a root field: `Return.commerceMirror`, the platform's ids of a mirrored return — staff only. */
  commerceMirror: STAFF_READ,

  /**
   * Not a field: the authority a return above the manager-approval threshold (or flagged for
   * review) needs when it is authorized or approved — a manager of the store, or the back office.
   */
  managerApproval: { store_manager: 'own_store', service_desk: 'any', operations_admin: 'any' },

  // inventory
  availability: EVERYONE,
  locations: EVERYONE,
  inventoryLedger: STAFF_ONLY,
  inventoryAccuracy: STAFF_ONLY,
  /** Manual stock changes: store managers in their stores, operations and the WMS anywhere. Audited. */
  adjustInventory: { store_manager: 'own_store', operations_admin: 'any', service: 'any' },
  moveInventory: { store_manager: 'own_store', operations_admin: 'any', service: 'any' },
  /** Posts stock movements the ERP refused or left unposted again now (from the exceptions queue): head office. Audited. */
  retryStockPosting: { operations_admin: 'any', finance: 'any' },
  /** The catalog: staff read it (the list carries where products were synced from). */
  products: STAFF_ONLY,
  /** Locations and the catalog are master data: operations, and the integrations (service) that sync them from a platform or the ERP. Audited. */
  upsertLocation: { operations_admin: 'any', service: 'any' },
  upsertProduct: { operations_admin: 'any', service: 'any' },

  // refunds
  refund: READ_ORDERS,
  refundUpdate: READ_UPDATES,
  refundUpdates: READ_UPDATES,
  refundUpdatePage: READ_UPDATES,
  refundUpdated: READ_UPDATES,
  reconciliation: FINANCE,
  /** Three-way reconciliation (graph, providers, ERP): finance, and operations for incidents. Runs are audited. */
  runReconciliation: FINANCE,
  reconciliationRuns: FINANCE,
  reconciliationExceptions: FINANCE,
  issueRefund: FINANCE,
  approveRefund: FINANCE,
  retryRefund: FINANCE,
  /** Posts a refused or long-unposted credit memo again now (from the exceptions queue). Audited. */
  retryCreditMemoPosting: FINANCE,
  /** Closes an open reconciliation mismatch by hand, with a note; a later run may reopen it. Audited. */
  resolveReconciliationException: FINANCE,
  /** A customer's store-credit balance and entries: the customer their own, finance and operations any. */
  storeCredit: { customer: 'own_customer', ...FINANCE },

  // the operations console's read models (docs/design/011): staff who run the operation; the service desk follows one flow
  /**
   * The exceptions queue (every subgraph's part of it, also when fetched as an entity): the
   * head-office roles who act on it. Store staff do not see it: it is not scoped by store, and a
   * store manager must not see other stores' exceptions.
   */
  exceptions: { operations_admin: 'any', finance: 'any' },
  /** The returns KPIs: operations and finance (they are judged by them). */
  returnsKpis: { operations_admin: 'any', finance: 'any' },
  /** One business flow's hops across every subgraph and backend: operations, finance, and the service desk answering a customer. */
  trace: { operations_admin: 'any', finance: 'any', service_desk: 'any' },
  returnTimeline: { operations_admin: 'any', finance: 'any', service_desk: 'any' },

  // every subgraph's event pipeline
  eventPipeline: OPERATORS,
  replayDeadLetters: OPERATORS,
} as const satisfies Record<string, Grant>;

/** An operation of the table. */
export type Operation = keyof typeof CAPABILITIES;

/** True when `name` is an operation of the table. */
export function isOperation(name: string): name is Operation {
  return Object.prototype.hasOwnProperty.call(CAPABILITIES, name);
}

/**
 * The table's operation for a root field name: the field itself, or the shared row of the event
 * pipeline's per-subgraph fields. Null for a field the table does not know (a test fails on it).
 */
export function operationOf(fieldName: string): Operation | null {
  if (/^[a-z]+EventPipeline$/.test(fieldName)) return 'eventPipeline';
  if (/^replay[A-Z][a-z]*DeadLetters$/.test(fieldName)) return 'replayDeadLetters';
  return isOperation(fieldName) ? fieldName : null;
}

/** What an operation acts on: the owners of its order, and every location it touches. */
export interface Target {
  customerId?: string | null;
  partnerId?: string | null;
  /** Every location the operation touches; `own_store` needs all of them to be the caller's. */
  locationIds?: readonly (string | null | undefined)[];
}

/**
 * The table's answer:
 * - `allow`: go ahead;
 * - `forbidden`: refuse with FORBIDDEN — the caller's roles may not do this at all, or may but
 *   not here, and the target is one they may see anyway (so refusing reveals nothing);
 * - `hidden`: the target is outside what the caller may even see; answer exactly as for an id
 *   that does not exist, so an id is no oracle of another tenant's data.
 */
export type Decision = 'allow' | 'forbidden' | 'hidden';

/** The scopes in which the principal's roles grant `operation` (empty: not at all). */
export function scopesOf(principal: Principal, operation: Operation): CapabilityScope[] {
  const grant: Grant = CAPABILITIES[operation];
  return principal.roles.map((role) => grant[role]).filter((scope): scope is CapabilityScope => scope !== undefined);
}

/** True when one of the principal's roles grants `operation` somewhere: checked before any lookup. */
export function mayPerform(principal: Principal, operation: Operation): boolean {
  return scopesOf(principal, operation).length > 0;
}

/** True when `scope`, held by `principal`, covers `target`. */
export function covers(principal: Principal, scope: CapabilityScope, target: Target): boolean {
  switch (scope) {
    case 'any':
      return true;
    case 'own_customer':
      return Boolean(principal.customerId) && target.customerId === principal.customerId;
    case 'own_marketplace':
      return Boolean(principal.partnerId) && target.partnerId === principal.partnerId;
    case 'own_store': {
      const locations = target.locationIds ?? [];
      return locations.length > 0 && locations.every((id) => typeof id === 'string' && principal.storeIds.includes(id));
    }
  }
}

/**
 * May the principal see the target at all? Reading orders (`order`) is the visibility of every
 * row that belongs to an order: returns, refunds, updates.
 */
export function canSee(principal: Principal, target: Target): boolean {
  return scopesOf(principal, 'order').some((scope) => covers(principal, scope, { customerId: target.customerId, partnerId: target.partnerId }));
}

/** The table's decision for `principal` performing `operation` on `target` (none: the operation alone). */
export function decide(principal: Principal, operation: Operation, target?: Target): Decision {
  const scopes = scopesOf(principal, operation);
  if (scopes.length === 0) return 'forbidden';
  if (!target || scopes.some((scope) => covers(principal, scope, target))) return 'allow';
  return canSee(principal, target) ? 'forbidden' : 'hidden';
}
