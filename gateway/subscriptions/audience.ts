import { scopesOf, type Principal } from '../../platform/auth';

/**
 * The audience class of a principal: the part of it that can change the answer to a subscription
 * update, so that every subscriber of one class can share one resolution (docs/design/006,
 * "Audience classes").
 *
 * IN — everything the read side of the graph decides by. Every resolver reachable from an update's
 * selection (`ReturnStatusUpdate.return`, `RefundUpdate.refund` and everything behind them in any
 * subgraph) asks the capability table (`decide`, `authorize`, `readScope`, `canSeeUpdate`,
 * `mayPerform`, `hasRole`), which reads exactly these four fields:
 * - `roles` — which grants apply (and introspection policy, commerce mirrors, operations fields);
 * - `customerId` — `own_customer` scope;
 * - `partnerId` — `own_marketplace` scope;
 * - `storeIds` — `own_store` scope.
 * Each is kept whatever the roles are (a customer's `storeIds` cannot matter today, but keeping it
 * costs only classes that do not occur, and is right if a grant ever changes).
 *
 * OUT — `subject`. It is read only on the write path (audit rows, `createdBy`, four-eyes "not the
 * requester" in `approveRefund`, idempotency keys) and by the per-principal subscription quota,
 * never by a query resolver; a subscription update is always a query, so no mutation can run under
 * it. Should a query field ever read `subject` (an "approved by me" flag), it must be added here,
 * and the hub's property test (`hub-audience.test.ts`) shows what breaks otherwise.
 *
 * Roles and store ids are compared as sets (sorted, duplicates dropped): every reader tests
 * membership (`includes`, `some`), never order or count.
 */
export function audienceClass(principal: Principal): string {
  return JSON.stringify([setOf(principal.roles), principal.customerId ?? null, principal.partnerId ?? null, setOf(principal.storeIds)]);
}

function setOf(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

/** The tenancy key under which subscribers who may see every update are indexed. */
export const EVERY_OWNER = 'any';

/**
 * The owner keys under which a principal may see an update (`canSeeUpdate`, the capability
 * table's update rows): `any`, its customer, its marketplace partner, each of its stores. A
 * principal with none sees no update. The hub indexes groups by these keys and looks a notice up
 * by `ownerKeys` of its data, so only groups that may see it are visited; `canSeeUpdate` still
 * decides (the index only narrows).
 */
export function audienceKeys(principal: Principal): string[] {
  const keys = new Set<string>();
  // The same row canSeeUpdate consults by default (both update streams share READ_UPDATES).
  for (const scope of scopesOf(principal, 'returnStatusChanged')) {
    if (scope === 'any') keys.add(EVERY_OWNER);
    if (scope === 'own_customer' && principal.customerId) keys.add(customerKey(principal.customerId));
    if (scope === 'own_marketplace' && principal.partnerId) keys.add(partnerKey(principal.partnerId));
    if (scope === 'own_store') for (const store of principal.storeIds) keys.add(storeKey(store));
  }
  return [...keys];
}

/** The keys of an update's owner fields (strings only, as `canSeeUpdate` reads them), and `any`. */
export function ownerKeys(data: Record<string, unknown>): string[] {
  const keys = [EVERY_OWNER];
  if (typeof data.customerId === 'string') keys.push(customerKey(data.customerId));
  if (typeof data.partnerId === 'string') keys.push(partnerKey(data.partnerId));
  if (typeof data.storeId === 'string') keys.push(storeKey(data.storeId));
  return keys;
}

// JSON-quoted so no id can forge another kind's key.
const customerKey = (id: string) => `customer:${JSON.stringify(id)}`;
const partnerKey = (id: string) => `partner:${JSON.stringify(id)}`;
const storeKey = (id: string) => `store:${JSON.stringify(id)}`;
