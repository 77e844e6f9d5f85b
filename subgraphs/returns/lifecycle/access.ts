import { hasRole, type Principal } from '../../../platform/auth';
import { forbidden } from '../../../platform/graphql/errors';

/** The owner of an order as the returns subgraph knows it (from its order snapshot). */
export interface OrderOwner {
  customerId: string | null;
  partnerId: string | null;
}

/** Back-office roles that act on any return. */
const BACK_OFFICE = ['service_desk', 'operations_admin', 'service'] as const;

/**
 * May the principal start a return on this order? Customers on their own orders, marketplace
 * partners on their marketplace's orders, store staff (the counter takes any order's return,
 * including one bought online), the back office on any. Anything else is FORBIDDEN.
 */
export function assertCanStartReturn(principal: Principal, owner: OrderOwner): void {
  if (hasRole(principal, ...BACK_OFFICE, 'store_associate', 'store_manager')) return;
  if (hasRole(principal, 'customer') && principal.customerId && principal.customerId === owner.customerId) return;
  if (hasRole(principal, 'marketplace_partner') && principal.partnerId && principal.partnerId === owner.partnerId) return;
  throw forbidden();
}

/** Store staff act only in their own stores; a store id outside their scope is FORBIDDEN. */
export function assertActsInStore(principal: Principal, storeId: string | null): void {
  if (hasRole(principal, ...BACK_OFFICE)) return;
  if (hasRole(principal, 'store_associate', 'store_manager')) {
    if (storeId && principal.storeIds.includes(storeId)) return;
    throw forbidden('Store staff act only in their own stores.');
  }
  throw forbidden();
}

/** Who decides (approves, declines) a requested return: store managers of its store, the back office. */
export function assertCanDecide(principal: Principal, storeId: string | null): void {
  if (hasRole(principal, ...BACK_OFFICE)) return;
  if (hasRole(principal, 'store_manager') && (storeId === null || principal.storeIds.includes(storeId))) return;
  throw forbidden();
}

/** Who may cancel: the customer or partner who owns the order, store staff of its store, the back office. */
export function assertCanCancel(principal: Principal, owner: OrderOwner, storeId: string | null): void {
  if (hasRole(principal, ...BACK_OFFICE)) return;
  if (hasRole(principal, 'store_associate', 'store_manager') && (storeId === null || principal.storeIds.includes(storeId))) return;
  assertCanStartReturn({ ...principal, roles: principal.roles.filter((role) => role === 'customer' || role === 'marketplace_partner') }, owner);
}

/** Receiving and inspecting happen at a location: staff of that store, or the warehouse's systems and the back office. */
export function assertWorksAt(principal: Principal, locationId: string): void {
  if (hasRole(principal, ...BACK_OFFICE)) return;
  if (hasRole(principal, 'store_associate', 'store_manager') && principal.storeIds.includes(locationId)) return;
  throw forbidden('You can receive and inspect only at your own locations.');
}

/** True when the principal is a manager with authority over this store (or back office). */
export function isManagerFor(principal: Principal, storeId: string | null): boolean {
  if (hasRole(principal, 'operations_admin', 'service_desk')) return true;
  return hasRole(principal, 'store_manager') && (storeId === null || principal.storeIds.includes(storeId));
}
