import type { Principal } from './principal';

/**
 * Which rows a principal may read, derived from the token alone (never from arguments):
 * customers their own, marketplace partners their marketplace's, everyone else (store staff, service
 * desk, finance, operations, services) all — a store associate must find an online order to take its
 * return at the counter.
 */
export type ReadScope = { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'partner'; partnerId: string } | { kind: 'none' };

/** The read scope of a principal. A customer or partner token without its id sees nothing. */
export function readScope(principal: Principal): ReadScope {
  const staff = principal.roles.some((role) => role !== 'customer' && role !== 'marketplace_partner');
  if (staff) return { kind: 'all' };
  if (principal.roles.includes('marketplace_partner')) {
    return principal.partnerId ? { kind: 'partner', partnerId: principal.partnerId } : { kind: 'none' };
  }
  if (principal.roles.includes('customer')) {
    return principal.customerId ? { kind: 'customer', customerId: principal.customerId } : { kind: 'none' };
  }
  return { kind: 'none' };
}

/** True when a row owned by `owner` is visible in `scope`. */
export function canRead(scope: ReadScope, owner: { customerId?: string | null; partnerId?: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'customer':
      return owner.customerId === scope.customerId;
    case 'partner':
      return owner.partnerId === scope.partnerId;
    case 'none':
      return false;
  }
}

/**
 * A SQL condition restricting rows to a scope, for tables with `customer_id` and `partner_id`
 * columns. `nextParam` is the number of the next `$n` placeholder; the condition's values are
 * returned to be appended to the statement's parameters.
 */
export function scopeCondition(scope: ReadScope, nextParam: number, alias = ''): { sql: string; params: unknown[] } {
  const prefix = alias ? `${alias}.` : '';
  switch (scope.kind) {
    case 'all':
      return { sql: 'TRUE', params: [] };
    case 'customer':
      return { sql: `${prefix}customer_id = $${nextParam}`, params: [scope.customerId] };
    case 'partner':
      return { sql: `${prefix}partner_id = $${nextParam}`, params: [scope.partnerId] };
    case 'none':
      return { sql: 'FALSE', params: [] };
  }
}

/**
 * Tenancy of a streamed update (a return or refund change): customers their own, partners their
 * marketplace's, store staff their stores', the back office everything. Decided from the token and
 * the event's own owner fields, never from subscription arguments.
 */
export function canSeeUpdate(principal: Principal, owner: { customerId?: unknown; partnerId?: unknown; storeId?: unknown }): boolean {
  const has = (...roles: Principal['roles']) => principal.roles.some((role) => roles.includes(role));
  if (has('service_desk', 'finance', 'operations_admin', 'service')) return true;
  if (has('store_associate', 'store_manager')) return typeof owner.storeId === 'string' && principal.storeIds.includes(owner.storeId);
  return canRead(readScope(principal), {
    customerId: typeof owner.customerId === 'string' ? owner.customerId : null,
    partnerId: typeof owner.partnerId === 'string' ? owner.partnerId : null,
  });
}
