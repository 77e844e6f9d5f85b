import { mayPerform, readScope, type Principal } from '../../platform/auth';
import type { OrderFilter } from './domain/order-records';

/**
 * Which orders a caller may read, derived from the verified principal only (never from query
 * arguments), by the capability table's `order` row (platform/auth/capabilities.ts). Staff of every
 * kind see every order: a store associate must find an online order to take its return at the counter.
 */
export type OrderScope = { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'partner'; partnerId: string } | { kind: 'none' };

/** The read scope of `principal`; the broadest of its roles wins. */
export function orderScope(principal: Principal): OrderScope {
  return readScope(principal);
}

/** True when the scope may see an order (or a line of it) with these owners. */
export function canSee(scope: OrderScope, owner: { customerId: string; marketplacePartnerId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'customer':
      return owner.customerId === scope.customerId;
    case 'partner':
      return owner.marketplacePartnerId === scope.partnerId;
    case 'none':
      return false;
  }
}

/**
 * `filter` narrowed to what the scope may see, or null when nothing can match (a customer
 * asking for another customer's orders gets an empty list, not an error that confirms they exist).
 */
export function scopedFilter(scope: OrderScope, filter: OrderFilter): OrderFilter | null {
  switch (scope.kind) {
    case 'all':
      return filter;
    case 'customer':
      if (filter.customerId !== undefined && filter.customerId !== scope.customerId) return null;
      return { ...filter, customerId: scope.customerId };
    case 'partner':
      return { ...filter, marketplacePartnerId: scope.partnerId };
    case 'none':
      return null;
  }
}

/** Only back-office integrations record orders: the commerce webhooks (service) and operations (the table's `recordOrder` row). */
export function canRecordOrders(principal: Principal): boolean {
  return mayPerform(principal, 'recordOrder');
}
