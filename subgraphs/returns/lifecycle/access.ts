import { authorize, canSee, decide, type Operation, type Principal } from '../../../platform/auth';
import type { Queryable } from '../../../platform/db';

/**
 * The returns lifecycle's questions to the capability table (platform/auth/capabilities.ts): who may
 * act on which return is decided there, by role and scope; this module only says what each
 * operation's target is — the order's owners and the locations where the units are.
 */

/** The owner of an order as the returns subgraph knows it (from its order snapshot). */
export interface OrderOwner {
  customerId: string | null;
  partnerId: string | null;
}

/** The columns of a return that decide who may act on it. */
export interface ReturnOwner {
  customer_id: string | null;
  partner_id: string | null;
  store_id: string | null;
}

/** True when the caller may see the order at all; when not, it answers exactly as for an unknown order. */
export function seesOrder(principal: Principal, owner: OrderOwner): boolean {
  return canSee(principal, owner);
}

/**
 * May the principal perform `operation` on this return, whose units are at `locationIds` (default:
 * the store of a counter return; none for an online one)? Throws FORBIDDEN when the table refuses;
 * returns false when the return is hidden from the caller, who must then be told exactly what an
 * unknown return id is told.
 */
export function mayActOn(principal: Principal, operation: Operation, ret: ReturnOwner, locationIds: readonly (string | null)[] = [ret.store_id]): boolean {
  return authorize(principal, operation, { customerId: ret.customer_id, partnerId: ret.partner_id, locationIds }) === 'allow';
}

/**
 * The locations an inspection touches: where it is recorded, and every location where units of
 * the return were received — store staff inspect only units that arrived at their own stores.
 */
export async function inspectionLocations(tx: Queryable, returnId: string, locationId: string): Promise<string[]> {
  const { rows } = await tx.query<{ location_id: string }>(`SELECT DISTINCT location_id FROM returns.return_receipts WHERE return_id = $1`, [returnId]);
  return [locationId, ...rows.map((row) => row.location_id)];
}

/** True when the principal has manager authority over this store (the table's `managerApproval` row): above the approval threshold. */
export function isManagerFor(principal: Principal, storeId: string | null): boolean {
  return decide(principal, 'managerApproval', { locationIds: [storeId] }) === 'allow';
}
