import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput, Messages } from '../../platform/graphql/errors';
import { isId } from '../../platform/ids';
import { money } from '../../platform/money';
import type { RefundsLoaders } from './loaders';
import type { RefundLineRow, RefundRow, RefundTenderRow } from './read-model';
import { approveRefund, issueRefund, retryRefund, type IssueRefundInput, type RefundPayload } from './manual';
import type { RefundsSettings } from './settings';
import { reconcile, type ReconciliationRow } from './reconciliation';
import { mutation, type MutationEffect } from '../../platform/write-path/mutation';
import type { Operation } from '../../platform/auth';
import type { CreditMemoStatus, RefundApprovalState, RefundMethod, RefundStatus, Resolvers } from './generated/graphql';
import { refundUpdate, refundUpdatePage, refundUpdatesAfter, type RefundFilter } from './refund-updates';
import { storeCreditResolvers } from './store-credit';
import type { StoreCreditAccounts } from '../../connectors/payments/port';

/** A refund mutation through the write path (`platform/write-path/mutation.ts`): effect, events and audit in one transaction. */
const refundMutation = <I>(operation: Operation, effect: MutationEffect<I, RefundPayload>) =>
  mutation(operation, effect, (error): RefundPayload => ({ refundId: null, userErrors: [error] }));

const sum = (rows: readonly RefundLineRow[], pick: (row: RefundLineRow) => number) => rows.reduce((total, row) => total + pick(row), 0);

type Context = SubgraphContext<RefundsLoaders>;

/**
 * Resolvers of the refunds subgraph; the mutations apply `settings` (the four-eyes threshold) and
 * `storeCredit` reads the store-credit ledger's accounts.
 */
export function refundsResolvers(settings: RefundsSettings, storeCredit?: StoreCreditAccounts): Resolvers {
  const { storeCredit: storeCreditQuery, ...storeCreditTypes } = storeCreditResolvers(storeCredit);
  return {
    ...readResolvers,
    ...storeCreditTypes,
    Query: { ...readResolvers.Query, storeCredit: storeCreditQuery },
    Mutation: {
      issueRefund: refundMutation<IssueRefundInput>('issueRefund', (tx, principal, input) => issueRefund(tx, principal, input, settings)),
      approveRefund: refundMutation('approveRefund', approveRefund),
      retryRefund: refundMutation('retryRefund', retryRefund),
    },
  };
}

/** Everything but the mutations: queries, entities and payload fields. */
const readResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  RefundUpdate: {
    refund: (update: { refundId: string }, _: unknown, ctx: Context) => ctx.loaders.refundById.load(update.refundId),
  },
  RefundPayload: {
    refund: (payload: RefundPayload, _: unknown, ctx: Context) => (payload.refundId ? ctx.loaders.refundById.load(payload.refundId) : null),
  },
  ReconciliationEntry: {
    order: (row: ReconciliationRow) => ({ __typename: 'Order', id: row.orderId }),
    captured: (row: ReconciliationRow) => money(row.capturedMinor, row.currency),
    refunded: (row: ReconciliationRow) => money(row.refundedMinor, row.currency),
    refundedOnPlatform: (row: ReconciliationRow) => money(row.refundedOnPlatformMinor, row.currency),
    credited: (row: ReconciliationRow) => money(row.creditedMinor, row.currency),
  },
  Query: {
    refundUpdate: (_: unknown, args: { cursor: string }, ctx: Context) => refundUpdate(ctx.db, ctx.principal, args.cursor),
    refundUpdates: (_: unknown, args: RefundFilter & { after?: string | null; first?: number | null }, ctx: Context) =>
      refundUpdatesAfter(ctx.db, ctx.principal, args),
    refundUpdatePage: (_: unknown, args: RefundFilter & { after?: string | null; first?: number | null }, ctx: Context) =>
      refundUpdatePage(ctx.db, ctx.principal, args),
    reconciliation(_: unknown, args: { orderId?: string | null; onlyMismatches?: boolean | null; first?: number | null }, ctx: Context) {
      return reconcile(ctx.db, { orderId: args.orderId, onlyMismatches: args.onlyMismatches, limit: args.first });
    },
    refund(_: unknown, args: { id: string }, ctx: Context) {
      if (!isId('rfd', args.id)) throw badUserInput(Messages.malformedId('refund', args.id), 'id');
      return ctx.loaders.refundById.load(args.id);
    },
  },
  // The rows keep enum values as text (CHECK constraints hold them to the enum); the casts below say so
  // until the rows are typed with the shared vocabulary.
  Refund: {
    __resolveReference: (reference: { id: string }, ctx: Context) => (isId('rfd', reference.id) ? ctx.loaders.refundById.load(reference.id) : null),
    amount: (row: RefundRow) => money(row.amount_minor, row.currency),
    order: (row: RefundRow) => ({ __typename: 'Order', id: row.order_id }),
    return: (row: RefundRow) => (row.return_id ? { __typename: 'Return', id: row.return_id } : null),
    creditMemo(row: RefundRow) {
      if (row.memo_status === null) return null;
      return {
        status: row.memo_status as CreditMemoStatus,
        amount: money(row.memo_amount_minor ?? 0, row.currency),
        tax: money(row.memo_tax_minor ?? 0, row.currency),
        erpReference: row.memo_erp_reference,
        // Set whenever memo_status is: both come from the credit memo's row.
        queuedAt: row.memo_queued_at as Date,
        postedAt: row.memo_posted_at,
        attempts: row.memo_attempts ?? 0,
        lastError: row.memo_last_error,
        failureReason: row.memo_failure_reason,
      };
    },
    refundMethod: (row: RefundRow) => row.refund_method as RefundMethod,
    requestedBy: (row: RefundRow) => row.requested_by,
    approvalState: (row: RefundRow) => row.approval_state as RefundApprovalState,
    approvedBy: (row: RefundRow) => row.approved_by,
    failureReason: (row: RefundRow) => row.failure_reason,
    async breakdown(row: RefundRow, _: unknown, ctx: Context) {
      const lines = await ctx.loaders.linesByRefundId.load(row.id);
      const m = (amount: number) => money(amount, row.currency);
      return {
        lines: lines.map((line) => ({
          kind: line.kind,
          sku: line.sku,
          quantity: line.quantity,
          orderLineId: line.order_line_id,
          merchandise: m(line.merchandise_minor),
          discount: m(line.discount_minor),
          tax: m(line.tax_minor),
          restockingFee: m(line.restocking_fee_minor),
          total: m(line.total_minor),
        })),
        merchandise: m(sum(lines, (line) => line.merchandise_minor)),
        discount: m(sum(lines, (line) => line.discount_minor)),
        tax: m(sum(lines, (line) => line.tax_minor)),
        restockingFee: m(sum(lines, (line) => line.restocking_fee_minor)),
        total: m(sum(lines, (line) => line.total_minor)),
      };
    },
    async tenders(row: RefundRow, _: unknown, ctx: Context) {
      const tenders = await ctx.loaders.tendersByRefundId.load(row.id);
      return tenders.map((tender: RefundTenderRow) => ({
        method: tender.method as RefundMethod,
        provider: tender.provider,
        amount: money(tender.amount_minor, row.currency),
        status: tender.status as RefundStatus,
        providerRefundId: tender.provider_refund_id,
        attempts: tender.attempts,
        lastError: tender.last_error,
      }));
    },
    createdAt: (row: RefundRow) => row.created_at,
    updatedAt: (row: RefundRow) => row.updated_at,
  },
  Order: {
    refunds: (order: { id: string }, _: unknown, ctx: Context) => (isId('ord', order.id) ? ctx.loaders.refundsByOrderId.load(order.id) : []),
  },
  Return: {
    refunds: (ret: { id: string }, _: unknown, ctx: Context) => (isId('ret', ret.id) ? ctx.loaders.refundsByReturnId.load(ret.id) : []),
  },
};
