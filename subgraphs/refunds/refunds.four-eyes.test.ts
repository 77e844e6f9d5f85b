import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import type { Principal } from '../../platform/auth';
import { formatMinor } from '../../platform/money';
import { approveRefund, issueRefund, type IssueRefundInput } from './manual';
import { orderData, providerRefunds, refundsOf, refundsRig, tendersOf, type RefundsRig } from './testing/refunds-kit';
import { writeTransaction } from '../../platform/write-path/write-tx';

/** Manual refunds above the threshold wait, unpaid, for a second finance approver who is not the requester. */
let database: TestDatabase;
let rig: RefundsRig;
/** The threshold these tests run with: 500.00, the default of app/config.ts. */
const threshold = 50_000;
const fourEyes = { secondApproverAboveMinor: threshold };
const colleague: Principal = { subject: 'user:finance-2', roles: ['finance'], storeIds: [] };

beforeAll(async () => {
  database = await createTestDatabase();
  rig = refundsRig(database.db);
});

afterAll(async () => {
  await database.drop();
});

/** An order worth twice the threshold, paid by card. */
async function bigOrder() {
  const order = orderData({
    lines: [{ sku: 'SKU-TV', quantity: 1, unitPriceMinor: threshold * 2 }],
    payments: [{ method: 'CARD', capturedMinor: threshold * 2 }],
  });
  await rig.recordOrder(order);
  return order;
}

const issue = (principal: Principal, input: IssueRefundInput) => writeTransaction(database.db, 'refunds', (tx) => issueRefund(tx, principal, input, fourEyes));
const approve = (principal: Principal, refundId: string) => writeTransaction(database.db, 'refunds', (tx) => approveRefund(tx, principal, { refundId }));
const refundRow = async (refundId: string) =>
  (
    await database.db.query<{ status: string; approval_state: string; approved_by: string | null }>(
      `SELECT status, approval_state, approved_by FROM refunds.refunds WHERE id = $1`,
      [refundId],
    )
  ).rows[0];

describe('the four-eyes rule', () => {
  it('pays nothing above the threshold until a second finance user approves; the requester cannot approve', async () => {
    const order = await bigOrder();
    const above = formatMinor(threshold + 1, 'USD');
    const issued = await issue(principals.finance(), { orderId: order.orderId, amount: above, reason: 'damaged in transit, customer kept it' });
    const refundId = issued.refundId as string;
    expect(issued.userErrors).toEqual([]);
    expect(await refundRow(refundId)).toEqual({ status: 'PENDING', approval_state: 'AWAITING_APPROVAL', approved_by: null });

    // The executor leaves it alone.
    expect(await rig.executor.runOnce()).toBe(0);
    expect(await providerRefunds(database.db, order.payments[0]?.providerReference)).toEqual([]);

    const own = await approve(principals.finance(), refundId);
    expect(own.userErrors).toEqual([expect.objectContaining({ code: 'SAME_APPROVER', field: ['input', 'refundId'] })]);
    expect((await refundRow(refundId))?.approval_state).toBe('AWAITING_APPROVAL');

    expect(await approve(colleague, refundId)).toEqual({ refundId, userErrors: [] });
    expect(await refundRow(refundId)).toMatchObject({ approval_state: 'APPROVED', approved_by: 'user:finance-2' });
    const again = await approve(principals.operations(), refundId);
    expect(again.userErrors.map((e) => e.code)).toEqual(['NOT_AWAITING_APPROVAL']);

    await rig.settle([refundId]);
    expect((await refundRow(refundId))?.status).toBe('SUCCEEDED');
    expect(await providerRefunds(database.db, order.payments[0]?.providerReference)).toEqual([
      expect.objectContaining({ amount_minor: threshold + 1, outcome: 'SUCCEEDED' }),
    ]);

    const { rows: audit } = await database.db.query<{ actor: string; roles: string[]; action: string; details: Record<string, unknown> }>(
      `SELECT actor, roles, action, details FROM refunds.audit_log WHERE target = $1 ORDER BY id`,
      [refundId],
    );
    expect(audit).toEqual([
      {
        actor: 'user:finance',
        roles: ['finance'],
        action: 'issueRefund',
        details: expect.objectContaining({ orderId: order.orderId, amount: above, reason: 'damaged in transit, customer kept it' }),
      },
      { actor: 'user:finance-2', roles: ['finance'], action: 'approveRefund', details: { requestedBy: 'user:finance' } },
    ]);
  });

  it('pays a refund at or below the threshold at once, without approval', async () => {
    const order = await bigOrder();
    const issued = await issue(principals.operations(), { orderId: order.orderId, amount: formatMinor(threshold, 'USD'), reason: 'price match' });
    const refundId = issued.refundId as string;
    expect(await refundRow(refundId)).toMatchObject({ approval_state: 'NOT_REQUIRED' });
    await rig.settle([refundId]);
    expect(await refundRow(refundId)).toMatchObject({ status: 'SUCCEEDED', approved_by: null });
    expect(await tendersOf(database.db, refundId)).toEqual([expect.objectContaining({ status: 'SUCCEEDED', amount_minor: threshold })]);
  });

  it('refuses issueRefund and approveRefund to every role but finance and operations, writing nothing', async () => {
    const order = await bigOrder();
    const waiting = await issue(principals.finance(), { orderId: order.orderId, amount: formatMinor(threshold + 100, 'USD'), reason: 'appeasement' });
    const others = [
      principals.customer(order.customerId),
      principals.storeAssociate(),
      principals.storeManager(),
      principals.serviceDesk(),
      principals.partner(),
      principals.service(),
    ];
    for (const principal of others) {
      await expect(issue(principal, { orderId: order.orderId, amount: '1.00', reason: 'x' })).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      await expect(approve(principal, waiting.refundId as string)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    }
    expect(await refundsOf(database.db, { orderId: order.orderId })).toHaveLength(1);
    expect((await refundRow(waiting.refundId as string))?.approval_state).toBe('AWAITING_APPROVAL');
    const { rows } = await database.db.query(`SELECT action FROM refunds.audit_log WHERE target = $1`, [waiting.refundId]);
    expect(rows).toEqual([{ action: 'issueRefund' }]);
  });
});

describe('the four-eyes threshold applies to what one requester refunds manually on one order in total', () => {
  /** 300.00: two of them together are above the threshold, each alone is not. */
  const part = () => formatMinor(Math.floor(threshold * 0.6), 'USD');

  it('makes the second of two split refunds by one requester wait for approval', async () => {
    const order = await bigOrder();
    const first = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'split one' });
    const second = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'split two' });
    expect(first.userErrors).toEqual([]);
    expect(second.userErrors).toEqual([]);
    expect(await refundRow(first.refundId as string)).toMatchObject({ approval_state: 'NOT_REQUIRED' });
    expect(await refundRow(second.refundId as string)).toMatchObject({ status: 'PENDING', approval_state: 'AWAITING_APPROVAL' });
  });

  it('counts settled refunds of the requester too, not only pending ones', async () => {
    const order = await bigOrder();
    const first = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'paid first' });
    await rig.settle([first.refundId as string]);
    expect(await refundRow(first.refundId as string)).toMatchObject({ status: 'SUCCEEDED' });
    const second = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'paid later' });
    expect(await refundRow(second.refundId as string)).toMatchObject({ approval_state: 'AWAITING_APPROVAL' });
  });

  it('lets only one of two concurrent split refunds by one requester through without approval', async () => {
    const order = await bigOrder();
    const both = await Promise.all([
      issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'race one' }),
      issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'race two' }),
    ]);
    const states = await Promise.all(both.map(async (issued) => (await refundRow(issued.refundId as string))?.approval_state));
    expect(states.sort()).toEqual(['AWAITING_APPROVAL', 'NOT_REQUIRED']);
  });

  it('does not count a failed refund of the requester', async () => {
    const order = await bigOrder();
    const failing = refundsRig(database.db, { settlementDelayMs: 0, failureRate: 1 });
    const first = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'will fail' });
    await failing.settle([first.refundId as string]);
    expect(await refundRow(first.refundId as string)).toMatchObject({ status: 'FAILED' });
    const second = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'second try' });
    expect(await refundRow(second.refundId as string)).toMatchObject({ approval_state: 'NOT_REQUIRED' });
  });

  it('does not add up refunds of different requesters, nor of one requester on different orders', async () => {
    const order = await bigOrder();
    const other = await bigOrder();
    const mine = await issue(principals.finance(), { orderId: order.orderId, amount: part(), reason: 'mine' });
    const theirs = await issue(colleague, { orderId: order.orderId, amount: part(), reason: 'theirs' });
    const elsewhere = await issue(principals.finance(), { orderId: other.orderId, amount: part(), reason: 'another order' });
    for (const issued of [mine, theirs, elsewhere]) expect(await refundRow(issued.refundId as string)).toMatchObject({ approval_state: 'NOT_REQUIRED' });
  });
});
