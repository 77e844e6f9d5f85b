import { randomUUID } from 'node:crypto';
import type { Operation, Role, Target } from '../../platform/auth';
import type { TestGraph } from './graph';
import { principals } from './principals';
import { lineInput, mutationDocument, newKey, recordOrderInput, WAREHOUSE_ID } from './returns-kit';
import { FOREIGN_STORE, OWN_STORE, orderIn, refundIn, returnIn, storeCreditIn, type FixtureStatus, type Owner, type World } from './authz-fixtures';

/**
 * One spec per root field the authorization matrix exercises: every mutation, and every query
 * with an id argument. A spec says how to build the field's target in a world and what the target
 * is in the capability table's terms; the matrix asks the table what should happen.
 */

/** Builds (or reuses) a fixture: shared between cases that change nothing, fresh for a case that will succeed. */
export type FixtureSource = <T>(key: string, fresh: boolean, build: () => Promise<T>) => Promise<T>;

/** A case's request, ready to send. */
export interface Prepared {
  variables: Record<string, unknown>;
  /** The owners and locations the table judges; absent when the operation has no tenant target. */
  target?: Target;
  /** The id a hidden target must not reveal; an unknown id of the same kind replaces it for comparison. */
  foreignId?: string;
  owner?: Owner;
}

/** How the matrix calls one root field. */
export interface OperationSpec {
  field: string;
  operation: Operation;
  document: string;
  prepare(t: TestGraph, world: World, role: Role, fixtures: FixtureSource, fresh: boolean): Promise<Prepared>;
  /** userError codes an authorized call may still answer: business rules checked after authorization. */
  acceptedUserErrors?: string[];
  /**
   * For queries that filter: a refusal within a granted scope is rows not being there (exactly as
   * for an unknown id), not FORBIDDEN. Returns the rows of a response.
   */
  rows?: (data: Record<string, unknown>) => unknown[];
}

const key = (prefix: string) => newKey(`matrix-${prefix}`);

const order = (t: TestGraph, world: World, fixtures: FixtureSource, fresh: boolean) => fixtures(`order:${world}`, fresh, () => orderIn(t, world));
const ret = (t: TestGraph, world: World, status: FixtureStatus, fixtures: FixtureSource, fresh: boolean) =>
  fixtures(`return:${status}:${world}`, fresh, () => returnIn(t, world, status));
const refund = (t: TestGraph, world: World, awaiting: boolean, fixtures: FixtureSource, fresh: boolean) =>
  fixtures(`refund:${awaiting}:${world}`, fresh, () => refundIn(t, world, awaiting));
const owners = (owner: Owner, locationIds?: (string | null)[]): Target => ({ customerId: owner.customerId, partnerId: owner.partnerId, locationIds });
const isStoreStaff = (role: Role) => role === 'store_associate' || role === 'store_manager';
const storeOf = (world: World) => (world === 'foreign' ? FOREIGN_STORE : OWN_STORE);

/** A returns mutation on an existing return in `status`; `extra` completes its input. */
function onReturn(field: Operation & string, status: FixtureStatus, extra: Record<string, unknown> = {}): OperationSpec {
  return {
    field,
    operation: field,
    document: mutationDocument(field as Parameters<typeof mutationDocument>[0]),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await ret(t, world, status, fixtures, fresh);
      return {
        variables: { input: { returnId: built.ret.id, ...extra }, key: key(field) },
        target: owners(built.owner, [built.storeId]),
        foreignId: built.ret.id,
        owner: built.owner,
      };
    },
  };
}

const RETURNS: OperationSpec[] = [
  {
    field: 'requestReturn',
    operation: 'requestReturn',
    document: mutationDocument('requestReturn'),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await order(t, world, fixtures, fresh);
      const input = {
        orderId: built.order.id,
        channel: world === 'partner' ? 'MARKETPLACE' : 'ECOMMERCE',
        lines: [lineInput(built.order.lines[0]?.id as string)],
      };
      return { variables: { input, key: key('request') }, target: owners(built.owner), foreignId: built.order.id, owner: built.owner };
    },
  },
  {
    field: 'authorizeReturn',
    operation: 'authorizeReturn',
    document: mutationDocument('authorizeReturn'),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await order(t, world, fixtures, fresh);
      const storeId = storeOf(world);
      const input = { orderId: built.order.id, channel: 'POS', storeId, lines: [lineInput(built.order.lines[0]?.id as string)] };
      return { variables: { input, key: key('authorize') }, target: owners(built.owner, [storeId]), foreignId: built.order.id, owner: built.owner };
    },
  },
  onReturn('approveReturn', 'REQUESTED'),
  onReturn('declineReturn', 'REQUESTED', { reason: 'OUTSIDE_POLICY' }),
  onReturn('cancelReturn', 'AUTHORIZED'),
  onReturn('markReturnInTransit', 'AUTHORIZED', { carrier: 'UPS', trackingNumber: '1Z999' }),
  {
    field: 'receiveReturnItems',
    operation: 'receiveReturnItems',
    document: mutationDocument('receiveReturnItems'),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, fresh);
      const locationId = world === 'store' || world === 'foreign' ? storeOf(world) : WAREHOUSE_ID;
      const input = { returnId: built.ret.id, locationId, lines: [{ returnLineId: built.ret.lines[0]?.id, quantity: 2 }] };
      return { variables: { input, key: key('receive') }, target: owners(built.owner, [locationId]), foreignId: built.ret.id, owner: built.owner };
    },
  },
  {
    field: 'recordInspection',
    operation: 'recordInspection',
    document: mutationDocument('recordInspection'),
    async prepare(t, world, role, fixtures, fresh) {
      const built = await ret(t, world, 'RECEIVED', fixtures, fresh);
      // Store staff inspect at their own store: the hole was inspecting there units received elsewhere.
      const locationId = isStoreStaff(role) ? OWN_STORE : (built.receivedAt as string);
      const input = {
        returnId: built.ret.id,
        locationId,
        lines: [{ returnLineId: built.ret.lines[0]?.id, dispositions: [{ disposition: 'SELLABLE', quantity: 2 }] }],
      };
      return {
        variables: { input, key: key('inspect') },
        target: owners(built.owner, [locationId, built.receivedAt]),
        foreignId: built.ret.id,
        owner: built.owner,
      };
    },
  },
  {
    field: 'return',
    operation: 'return',
    document: `query($id: ID!) { return(id: $id) { id status } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, false);
      return { variables: { id: built.ret.id }, target: owners(built.owner), foreignId: built.ret.id, owner: built.owner };
    },
  },
  {
    field: 'returns',
    operation: 'returns',
    document: `query($id: ID) { returns(first: 50, customerId: $id) { edges { node { id } } } }`,
    rows: (data) => (data.returns as { edges: unknown[] }).edges,
    async prepare(t, world, _role, fixtures) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, false);
      return { variables: { id: built.owner.customerId }, target: owners(built.owner), foreignId: built.owner.customerId, owner: built.owner };
    },
  },
  {
    field: 'returnEligibility',
    operation: 'returnEligibility',
    document: `query($id: ID!) { returnEligibility(orderId: $id, channel: ECOMMERCE) { eligible } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await order(t, world, fixtures, false);
      return { variables: { id: built.order.id }, target: owners(built.owner), foreignId: built.order.id, owner: built.owner };
    },
  },
  {
    field: 'returnStatusUpdates',
    operation: 'returnStatusUpdates',
    document: `query($id: ID) { returnStatusUpdates(returnId: $id) { returnId status } }`,
    rows: (data) => data.returnStatusUpdates as unknown[],
    async prepare(t, world, _role, fixtures) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, false);
      return { variables: { id: built.ret.id }, target: owners(built.owner, [built.storeId]), foreignId: built.ret.id, owner: built.owner };
    },
  },
  {
    field: 'returnStatusUpdatePage',
    operation: 'returnStatusUpdatePage',
    document: `query($id: ID) { returnStatusUpdatePage(returnId: $id, first: 50) { updates { returnId status } } }`,
    rows: (data) => (data.returnStatusUpdatePage as { updates: unknown[] }).updates,
    async prepare(t, world, _role, fixtures) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, false);
      return { variables: { id: built.ret.id }, target: owners(built.owner, [built.storeId]), foreignId: built.ret.id, owner: built.owner };
    },
  },
];

const ORDERS: OperationSpec[] = [
  {
    field: 'retryCommerceDelivery',
    operation: 'retryCommerceDelivery',
    document: `mutation($id: ID!, $key: String!) { retryCommerceDelivery(id: $id, idempotencyKey: $key) { delivery { id } userErrors { code } } }`,
    // The matrix's graph takes no webhooks, so no delivery exists: saying so is the authorized answer.
    acceptedUserErrors: ['DELIVERY_NOT_FOUND'],
    async prepare() {
      return { variables: { id: '1', key: key('retry-delivery') } };
    },
  },
  {
    field: 'recordOrder',
    operation: 'recordOrder',
    document: `mutation($input: RecordOrderInput!, $key: String!) { recordOrder(input: $input, idempotencyKey: $key) { order { id } userErrors { code } } }`,
    async prepare() {
      const input = recordOrderInput({ customerId: `cus_m_${randomUUID().slice(0, 8)}`, lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 1 }] });
      return { variables: { input, key: key('order') } };
    },
  },
  {
    field: 'order',
    operation: 'order',
    document: `query($id: ID!) { order(id: $id) { id } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await order(t, world, fixtures, false);
      return { variables: { id: built.order.id }, target: owners(built.owner), foreignId: built.order.id, owner: built.owner };
    },
  },
  {
    field: 'orderByNumber',
    operation: 'orderByNumber',
    document: `query($id: String!) { orderByNumber(number: $id) { id } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await order(t, world, fixtures, false);
      return { variables: { id: built.order.number }, target: owners(built.owner), foreignId: built.order.number, owner: built.owner };
    },
  },
  {
    field: 'orders',
    operation: 'orders',
    document: `query($id: ID) { orders(first: 50, customerId: $id) { edges { node { id } } } }`,
    rows: (data) => (data.orders as { edges: unknown[] }).edges,
    async prepare(t, world, _role, fixtures) {
      const built = await order(t, world, fixtures, false);
      return { variables: { id: built.owner.customerId }, target: owners(built.owner), foreignId: built.owner.customerId, owner: built.owner };
    },
  },
];

const refundMutation = (field: 'issueRefund' | 'approveRefund' | 'retryRefund', input: string) =>
  `mutation($input: ${input}!, $key: String!) { ${field}(input: $input, idempotencyKey: $key) { refund { id } userErrors { code field message } } }`;

const REFUNDS: OperationSpec[] = [
  {
    field: 'issueRefund',
    operation: 'issueRefund',
    document: refundMutation('issueRefund', 'IssueRefundInput'),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await order(t, world, fixtures, fresh);
      return {
        variables: { input: { orderId: built.order.id, amount: '1.00', reason: 'matrix' }, key: key('issue') },
        target: owners(built.owner),
        foreignId: built.order.id,
        owner: built.owner,
      };
    },
  },
  {
    field: 'approveRefund',
    operation: 'approveRefund',
    document: refundMutation('approveRefund', 'ApproveRefundInput'),
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await refund(t, world, true, fixtures, fresh);
      return {
        variables: { input: { refundId: built.refundId }, key: key('approve') },
        target: owners(built.owner),
        foreignId: built.refundId,
        owner: built.owner,
      };
    },
  },
  {
    field: 'retryRefund',
    operation: 'retryRefund',
    document: refundMutation('retryRefund', 'RetryRefundInput'),
    // Only a FAILED refund is retried; the matrix's refunds have not failed, and saying so is the authorized answer.
    acceptedUserErrors: ['NOT_FAILED'],
    async prepare(t, world, _role, fixtures) {
      const built = await refund(t, world, false, fixtures, false);
      return {
        variables: { input: { refundId: built.refundId }, key: key('retry') },
        target: owners(built.owner),
        foreignId: built.refundId,
        owner: built.owner,
      };
    },
  },
  {
    field: 'refund',
    operation: 'refund',
    document: `query($id: ID!) { refund(id: $id) { id } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await refund(t, world, false, fixtures, false);
      return { variables: { id: built.refundId }, target: owners(built.owner), foreignId: built.refundId, owner: built.owner };
    },
  },
  {
    field: 'refundUpdates',
    operation: 'refundUpdates',
    document: `query($id: ID) { refundUpdates(orderId: $id) { refundId status } }`,
    rows: (data) => data.refundUpdates as unknown[],
    async prepare(t, world, _role, fixtures) {
      const built = await refund(t, world, false, fixtures, false);
      // A manual refund on an order belongs to no store.
      return { variables: { id: built.order.id }, target: owners(built.owner, [null]), foreignId: built.order.id, owner: built.owner };
    },
  },
  {
    field: 'refundUpdatePage',
    operation: 'refundUpdatePage',
    document: `query($id: ID) { refundUpdatePage(orderId: $id, first: 50) { updates { refundId status } } }`,
    rows: (data) => (data.refundUpdatePage as { updates: unknown[] }).updates,
    async prepare(t, world, _role, fixtures) {
      const built = await refund(t, world, false, fixtures, false);
      // A manual refund on an order belongs to no store.
      return { variables: { id: built.order.id }, target: owners(built.owner, [null]), foreignId: built.order.id, owner: built.owner };
    },
  },
  {
    field: 'runReconciliation',
    operation: 'runReconciliation',
    document: `mutation($input: RunReconciliationInput!, $key: String!) { runReconciliation(input: $input, idempotencyKey: $key) { run { id status } userErrors { code field message } } }`,
    // A window has no tenant: the run reads every refund, so only the role decides.
    async prepare() {
      const to = new Date();
      return { variables: { input: { from: new Date(to.getTime() - 3_600_000).toISOString(), to: to.toISOString() }, key: key('reconcile') } };
    },
  },
  {
    field: 'reconciliation',
    operation: 'reconciliation',
    document: `query($id: ID) { reconciliation(orderId: $id) { order { id } } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await refund(t, world, false, fixtures, false);
      return { variables: { id: built.order.id }, target: owners(built.owner), owner: built.owner };
    },
  },
  {
    field: 'storeCredit',
    operation: 'storeCredit',
    document: `query($id: ID!) { storeCredit(customerId: $id) { customerId balances { amount currencyCode } entries(first: 5) { edges { node { kind amount { amount } } } } } }`,
    async prepare(t, world, _role, fixtures) {
      const built = await fixtures(`storeCredit:${world}`, false, () => storeCreditIn(t, world));
      // The account is the customer's alone: no marketplace or store owns it.
      return {
        variables: { id: built.owner.customerId },
        target: { customerId: built.owner.customerId },
        foreignId: built.owner.customerId,
        owner: built.owner,
      };
    },
  },
];

const locationOf = (world: World) => (world === 'store' || world === 'foreign' ? storeOf(world) : WAREHOUSE_ID);
const stockMutation = (field: 'adjustInventory' | 'moveInventory', input: string) =>
  `mutation($input: ${input}!, $key: String!) { ${field}(input: $input, idempotencyKey: $key) { stockLevel { sku } userErrors { code field message } } }`;

const INVENTORY: OperationSpec[] = [
  {
    field: 'adjustInventory',
    operation: 'adjustInventory',
    document: stockMutation('adjustInventory', 'AdjustInventoryInput'),
    async prepare(_t, world) {
      const locationId = locationOf(world);
      return { variables: { input: { sku: 'SKU-APP-001', locationId, delta: 1, reason: 'FOUND' }, key: key('adjust') }, target: { locationIds: [locationId] } };
    },
  },
  {
    field: 'moveInventory',
    operation: 'moveInventory',
    document: stockMutation('moveInventory', 'MoveInventoryInput'),
    async prepare(t, world, _role, _fixtures, fresh) {
      const locationId = locationOf(world);
      const sku = `SKU-MX-${randomUUID().slice(0, 8)}`;
      // A unit to move, on a SKU of its own, so parallel cases never compete for stock.
      if (fresh) {
        const adjusted = await t.query(principals.operations(), stockMutation('adjustInventory', 'AdjustInventoryInput'), {
          input: { sku, locationId, delta: 1, reason: 'FOUND' },
          key: key('stock'),
        });
        if (adjusted.errors) throw new Error(`stock for moveInventory: ${JSON.stringify(adjusted.errors)}`);
      }
      const input = { sku, locationId, fromState: 'SELLABLE', toState: 'RESERVED', quantity: 1, reason: 'RESERVED_FOR_ORDER' };
      return { variables: { input, key: key('move') }, target: { locationIds: [locationId] } };
    },
  },
  {
    field: 'upsertLocation',
    operation: 'upsertLocation',
    document: `mutation($input: UpsertLocationInput!, $key: String!) { upsertLocation(input: $input, idempotencyKey: $key) { location { id } userErrors { code } } }`,
    // Master data has no tenant: a location of its own per case, so cases never change each other's.
    async prepare() {
      const input = { id: `loc_mx_${randomUUID().slice(0, 8)}`, name: 'Matrix store', kind: 'STORE', city: 'Testville' };
      return { variables: { input, key: key('location') } };
    },
  },
  {
    field: 'upsertProduct',
    operation: 'upsertProduct',
    document: `mutation($input: UpsertProductInput!, $key: String!) { upsertProduct(input: $input, idempotencyKey: $key) { product { sku } userErrors { code } } }`,
    async prepare() {
      return { variables: { input: { sku: `SKU-MXP-${randomUUID().slice(0, 8)}`, title: 'Matrix product', category: 'home' }, key: key('product') } };
    },
  },
  {
    field: 'inventoryLedger',
    operation: 'inventoryLedger',
    document: `query($id: ID) { inventoryLedger(sku: "SKU-APP-001", locationId: $id, first: 5) { edges { cursor } } }`,
    async prepare(_t, world) {
      return { variables: { id: locationOf(world) } };
    },
  },
  {
    field: 'inventoryAccuracy',
    operation: 'inventoryAccuracy',
    document: `query($id: ID!) { inventoryAccuracy(locationIds: [$id]) { location { id } } }`,
    async prepare(_t, world) {
      return { variables: { id: locationOf(world) } };
    },
  },
  {
    // Staff-only, over every return: no tenant target, so a role with the row reads any return's timeline and others are refused.
    field: 'returnTimeline',
    operation: 'returnTimeline',
    document: `query($id: ID!) { returnTimeline(returnId: $id) { returnId hops { kind } } }`,
    async prepare(t, world, _role, fixtures, fresh) {
      const built = await ret(t, world, 'AUTHORIZED', fixtures, fresh);
      return { variables: { id: built.ret.id } };
    },
  },
  {
    field: 'availability',
    operation: 'availability',
    document: `query($id: ID!) { availability(skus: ["SKU-APP-001"], locationIds: [$id]) { sku } }`,
    async prepare(_t, world) {
      return { variables: { id: locationOf(world) } };
    },
  },
];

/** The event pipeline's per-subgraph replay mutations (dry runs: nothing to replay, nothing written). */
const PIPELINES: OperationSpec[] = ['Orders', 'Returns', 'Inventory', 'Refunds'].map((name) => ({
  field: `replay${name}DeadLetters`,
  operation: 'replayDeadLetters' as const,
  document: `mutation($input: ReplayDeadLettersInput!, $key: String!) { replay${name}DeadLetters(input: $input, idempotencyKey: $key) { dryRun userErrors { code } } }`,
  async prepare() {
    return { variables: { input: { ids: ['1'], dryRun: true }, key: key('replay') } };
  },
}));

/**
 * The exceptions queue's actions (inventory/exceptions.ts, refunds/exception-actions.ts): head office only, no tenant
 * target; an unknown posting or mismatch is the authorized answer.
 */
const EXCEPTION_ACTIONS: OperationSpec[] = [
  {
    field: 'retryCreditMemoPosting',
    operation: 'retryCreditMemoPosting',
    document: `mutation($input: RetryCreditMemoPostingInput!, $key: String!) { retryCreditMemoPosting(input: $input, idempotencyKey: $key) { userErrors { code } } }`,
    acceptedUserErrors: ['POSTING_NOT_FOUND'],
    async prepare() {
      return { variables: { input: { postingId: 'rfd_00000000000000000000000000' }, key: key('memo') } };
    },
  },
  {
    field: 'retryStockPosting',
    operation: 'retryStockPosting',
    document: `mutation($input: RetryStockPostingInput!, $key: String!) { retryStockPosting(input: $input, idempotencyKey: $key) { userErrors { code } } }`,
    acceptedUserErrors: ['POSTING_NOT_FOUND'],
    async prepare() {
      return { variables: { input: { postingId: '999999999' }, key: key('stock') } };
    },
  },
  {
    field: 'resolveReconciliationException',
    operation: 'resolveReconciliationException',
    document: `mutation($input: ResolveReconciliationExceptionInput!, $key: String!) { resolveReconciliationException(input: $input, idempotencyKey: $key) { userErrors { code } } }`,
    acceptedUserErrors: ['MISMATCH_NOT_FOUND'],
    async prepare() {
      return { variables: { input: { exceptionId: '999999999', note: 'matrix' }, key: key('resolve') } };
    },
  },
];

/** Every spec of the matrix. */
export const OPERATION_SPECS: OperationSpec[] = [...RETURNS, ...ORDERS, ...REFUNDS, ...INVENTORY, ...PIPELINES, ...EXCEPTION_ACTIONS];
