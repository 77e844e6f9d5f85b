import type { Principal } from './principal';
import { decide, scopesOf, type Operation } from './capabilities';

/**
 * Which rows a principal may read, derived from the token alone (never from arguments) through the
 * capability table's `order` row: customers their own, marketplace partners their marketplace's,
 * every staff role all — a store associate must find an online order to take its return at the
 * counter.
 */
export type ReadScope = { kind: 'all' } | { kind: 'customer'; customerId: string } | { kind: 'partner'; partnerId: string } | { kind: 'none' };

/** The read scope of a principal. A customer or partner token without its id sees nothing. */
export function readScope(principal: Principal): ReadScope {
  const scopes = scopesOf(principal, 'order');
  // The broadest scope wins; a SQL condition holds one owner, so a partner who is also a customer reads as the partner.
  if (scopes.includes('any')) return { kind: 'all' };
  if (scopes.includes('own_marketplace') && principal.partnerId) return { kind: 'partner', partnerId: principal.partnerId };
  if (scopes.includes('own_customer') && principal.customerId) return { kind: 'customer', customerId: principal.customerId };
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
 * Tenancy of a streamed update (a return or refund change), from the capability table's update
 * rows: customers their own, partners their marketplace's, store staff their stores', the back
 * office everything. Decided from the token and the event's own owner fields, never from
 * subscription arguments; an update the caller may not see is simply not there.
 */
export function canSeeUpdate(
  principal: Principal,
  owner: { customerId?: unknown; partnerId?: unknown; storeId?: unknown },
  operation: Operation = 'returnStatusChanged',
): boolean {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return decide(principal, operation, { customerId: text(owner.customerId), partnerId: text(owner.partnerId), locationIds: [text(owner.storeId)] }) === 'allow';
}
