import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '../../platform/auth';
import type { TestGraph } from './graph';
import { principals } from './principals';
import { lineInput, mutateOk, newKey, recordOrderOnly, waitForSnapshots, WAREHOUSE_ID, type RecordedOrder, type ReturnView } from './returns-kit';

/**
 * Fixtures of the authorization matrix (test/authorization-matrix.e2e.test.ts): orders, returns,
 * refunds and stock in one of four "worlds" — the caller's own customer, own marketplace, own
 * store, or someone else's — and the principal of each role looking at them.
 */

/** The store the matrix's store staff work in, and the one they do not. */
export const OWN_STORE = 'loc_store_nyc';
export const FOREIGN_STORE = 'loc_store_sfo';
/** The marketplace partner of the matrix, and the one whose orders are nobody's in it. */
export const OWN_PARTNER = 'mkp_demo_a';

/** Whose data a fixture is: the caller's own customer, marketplace or store, or a stranger's. */
export type World = 'customer' | 'partner' | 'store' | 'foreign';

/** The owners of a fixture and the location its units are at. */
export interface Owner {
  customerId: string;
  partnerId: string | null;
  /** Where its units are received or stock is changed. */
  locationId: string;
}

/** The world a role's own scope is (staff roles with `any` scope see every world alike). */
export function ownWorld(role: Role): World {
  if (role === 'marketplace_partner') return 'partner';
  if (role === 'store_associate' || role === 'store_manager') return 'store';
  return 'customer';
}

/** The matrix's principal of `role`; a customer is the owner of `owner` when `own`, a stranger otherwise. */
export function principalFor(role: Role, owner: Owner, own: boolean): Principal {
  const base: Principal = { subject: `matrix:${role}`, roles: [role], storeIds: [] };
  if (role === 'customer') return { ...base, customerId: own ? owner.customerId : `cus_m_stranger_${randomUUID().slice(0, 6)}` };
  if (role === 'marketplace_partner') return { ...base, partnerId: OWN_PARTNER };
  if (role === 'store_associate' || role === 'store_manager') return { ...base, storeIds: [OWN_STORE] };
  return base;
}

const POLL_MS = 25;
/** How long an order may take to reach returns and refunds: generous, the matrix builds ~100 at once on a shared machine. */
const SNAPSHOT_WAIT_MS = 60_000;

/** Waits until the refunds subgraph holds the order's snapshot (manual refunds need it). */
async function waitForRefundsSnapshot(t: TestGraph, orderId: string): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  while ((await t.database.db.query(`SELECT 1 FROM refunds.order_snapshots WHERE order_id = $1`, [orderId])).rowCount === 0) {
    if (Date.now() > deadline) throw new Error(`refunds has no snapshot of ${orderId}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** A fresh order in `world` (two units of one line at `unitPrice`), known to returns and refunds. */
export async function orderIn(t: TestGraph, world: World, unitPrice = '30.00'): Promise<{ order: RecordedOrder; owner: Owner }> {
  const customerId = `cus_m_${randomUUID().slice(0, 8)}`;
  const marketplace = world === 'partner';
  const order = await recordOrderOnly(t, {
    customerId,
    channel: marketplace ? 'MARKETPLACE' : 'ECOMMERCE',
    partnerId: marketplace ? OWN_PARTNER : null,
    lines: [{ sku: 'SKU-APP-004', category: 'apparel', quantity: 2, unitPrice }],
  });
  await waitForSnapshots(t.database.db, [order.id], SNAPSHOT_WAIT_MS);
  await waitForRefundsSnapshot(t, order.id);
  const locationId = world === 'store' ? OWN_STORE : world === 'foreign' ? FOREIGN_STORE : WAREHOUSE_ID;
  return { order, owner: { customerId, partnerId: marketplace ? OWN_PARTNER : null, locationId } };
}

/** Return statuses the matrix needs. */
export type FixtureStatus = 'REQUESTED' | 'AUTHORIZED' | 'RECEIVED';

/** A return and the order it is on. */
export interface ReturnFixture {
  order: RecordedOrder;
  owner: Owner;
  ret: ReturnView;
  /** The store of a counter return (null online). */
  storeId: string | null;
  /** Where its units were received (RECEIVED only). */
  receivedAt: string | null;
}

const manager = (storeId: string): Principal => principals.storeManager(storeId);

/**
 * A return in `world` driven to `status`. Online returns are requested by their customer (or
 * partner); store and foreign returns that must have units are taken at a counter (own store, or
 * the foreign store) by that store's manager. A REQUESTED return is always online: only online
 * requests wait for a decision.
 */
export async function returnIn(t: TestGraph, world: World, status: FixtureStatus): Promise<ReturnFixture> {
  const { order, owner } = await orderIn(t, world, status === 'REQUESTED' ? '150.00' : '30.00');
  const lines = [lineInput(order.lines[0]?.id as string, 2)];
  const atCounter = status !== 'REQUESTED' && (world === 'store' || (world === 'foreign' && status === 'RECEIVED'));
  if (atCounter) {
    const storeId = owner.locationId;
    const ret = await mutateOk(t, manager(storeId), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId,
      lines,
      receiveNow: status === 'RECEIVED',
    });
    return { order, owner, ret, storeId, receivedAt: status === 'RECEIVED' ? storeId : null };
  }
  const requester = world === 'partner' ? principals.partner(OWN_PARTNER) : principals.customer(owner.customerId);
  let ret = await mutateOk(t, requester, 'requestReturn', { orderId: order.id, channel: world === 'partner' ? 'MARKETPLACE' : 'ECOMMERCE', lines });
  if (status !== 'RECEIVED') return { order, owner, ret, storeId: null, receivedAt: null };
  ret = await mutateOk(t, principals.service(), 'receiveReturnItems', {
    returnId: ret.id,
    locationId: WAREHOUSE_ID,
    lines: [{ returnLineId: ret.lines[0]?.id, quantity: 2 }],
  });
  return { order, owner, ret, storeId: null, receivedAt: WAREHOUSE_ID };
}

const ISSUE_REFUND = `mutation($input: IssueRefundInput!, $key: String!) { issueRefund(input: $input, idempotencyKey: $key) { refund { id } userErrors { code message } } }`;

/**
 * Waits until the relay has given the aggregate's first event its position: the update log (what
 * `refundUpdates` and catch-up read) lists an event only from then on, a few milliseconds after
 * its commit on a quiet machine, longer while the matrix builds ~100 fixtures at once.
 */
async function waitForUpdateLog(t: TestGraph, schema: 'refunds' | 'returns', aggregateId: string): Promise<void> {
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  const sql = `SELECT 1 FROM ${schema}.outbox WHERE aggregate_id = $1 AND position IS NOT NULL`;
  while ((await t.database.db.query(sql, [aggregateId])).rowCount === 0) {
    if (Date.now() > deadline) throw new Error(`${schema} has not logged ${aggregateId}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Amount above the four-eyes threshold (500.00 by default), so the refund waits for a second approver. */
const ABOVE_FOUR_EYES = '600.00';

/** A manual refund on an order in `world`: small (paid at once) or above the four-eyes threshold (awaiting approval). */
export async function refundIn(t: TestGraph, world: World, awaitingApproval = false): Promise<{ order: RecordedOrder; owner: Owner; refundId: string }> {
  const { order, owner } = await orderIn(t, world, awaitingApproval ? '400.00' : '30.00');
  // A requester who is none of the matrix's principals, so any of them may be the second approver.
  const requester: Principal = { subject: 'matrix:finance-requester', roles: ['finance'], storeIds: [] };
  const input = { orderId: order.id, amount: awaitingApproval ? ABOVE_FOUR_EYES : '1.00', reason: 'matrix fixture' };
  const response = await t.query<{ issueRefund: { refund: { id: string } | null; userErrors: unknown[] } }>(requester, ISSUE_REFUND, {
    input,
    key: newKey('refund'),
  });
  const refundId = response.data?.issueRefund.refund?.id;
  if (!refundId) throw new Error(`issueRefund failed: ${JSON.stringify(response.errors ?? response.data)}`);
  await waitForUpdateLog(t, 'refunds', refundId);
  return { order, owner, refundId };
}

/** How long a store-credit refund may take to be booked by the executor while the matrix builds its fixtures. */
const STORE_CREDIT_WAIT_MS = 60_000;

/**
 * A customer in `world` holding store credit: a manual 1.00 refund as STORE_CREDIT on an order of
 * theirs, waited for until the store-credit ledger has booked it.
 */
export async function storeCreditIn(t: TestGraph, world: World): Promise<{ order: RecordedOrder; owner: Owner }> {
  const { order, owner } = await orderIn(t, world);
  const requester: Principal = { subject: 'matrix:finance-requester', roles: ['finance'], storeIds: [] };
  const input = { orderId: order.id, amount: '1.00', reason: 'matrix store credit', refundMethod: 'STORE_CREDIT' };
  const response = await t.query<{ issueRefund: { refund: { id: string } | null } }>(requester, ISSUE_REFUND, { input, key: newKey('credit') });
  if (!response.data?.issueRefund.refund) throw new Error(`issueRefund (store credit) failed: ${JSON.stringify(response.errors ?? response.data)}`);
  const deadline = Date.now() + STORE_CREDIT_WAIT_MS;
  const sql = `SELECT 1 FROM store_credit.accounts WHERE key = $1 AND balance_minor > 0`;
  while ((await t.database.db.query(sql, [`customer:${owner.customerId}`])).rowCount === 0) {
    if (Date.now() > deadline) throw new Error(`the store-credit ledger has not credited ${owner.customerId}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return { order, owner };
}

/** Runs `tasks` with at most `limit` at once (the machine is shared; the graph is one process). */
export async function inPool<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await (tasks[index] as () => Promise<T>)();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
