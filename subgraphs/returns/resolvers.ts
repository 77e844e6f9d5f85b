import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput, Messages } from '../../platform/graphql/errors';
import { pageRequest, toConnection, type PageArgs } from '../../platform/graphql/connection';
import { isId } from '../../platform/ids';
import { mayPerform } from '../../platform/auth';
import type { MirrorRow } from './commerce/mirror-reads';
import type { ReturnsLoaders } from './loaders';
import { listReturns, type DispositionRow, type ReturnFilter, type ReturnLineRow, type ReturnRow, type TimelineRow } from './read-model';
import { money } from '../../platform/money';
import { payloadReturn, returnsMutations } from './mutations';
import type { ReturnsSettings } from './settings';
import { returnEligibility } from './eligibility-lookup';
import { activePolicy } from './policy-store';
import type { Channel } from '../../contracts/vocabulary';
import type { ApprovalRequirement, FraudAssessment, RefundMethod, Resolvers, ReturnFinancialStatus, ReturnStatus } from './generated/graphql';
import { statusUpdate, statusUpdatePage, statusUpdatesAfter, type StatusFilter } from './status-updates';
import { operationsResolvers } from './operations/resolvers';

type Context = SubgraphContext<ReturnsLoaders>;

/** Resolvers of the returns subgraph; the mutations apply `settings` (the default receiving location). */
export function returnsResolvers(settings: ReturnsSettings): Resolvers {
  // The operations read models (KPIs, traces) add root fields and two entities (operations/).
  return { ...readResolvers, ...operationsResolvers, Query: { ...readResolvers.Query, ...operationsResolvers.Query }, Mutation: returnsMutations(settings) };
}

/** Everything but the mutations: queries, entities and payload fields. */
const readResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    returnStatusUpdate: (_: unknown, args: { cursor: string }, ctx: Context) => statusUpdate(ctx.db, ctx.principal, args.cursor),
    returnStatusUpdates: (_: unknown, args: StatusFilter & { after?: string | null; first?: number | null }, ctx: Context) =>
      statusUpdatesAfter(ctx.db, ctx.principal, args),
    returnStatusUpdatePage: (_: unknown, args: StatusFilter & { after?: string | null; first?: number | null }, ctx: Context) =>
      statusUpdatePage(ctx.db, ctx.principal, args),
    returnEligibility: async (_: unknown, args: { orderId: string; channel: Channel; storeId?: string | null }, ctx: Context) =>
      returnEligibility(ctx.db, ctx.principal, args, await activePolicy(ctx.db)),
    return(_: unknown, args: { id: string }, ctx: Context) {
      if (!isId('ret', args.id)) throw badUserInput(Messages.malformedId('return', args.id), 'id');
      return ctx.loaders.returnById.load(args.id);
    },
    async returns(_: unknown, args: PageArgs & ReturnFilter, ctx: Context) {
      const page = pageRequest(args);
      const rows = await listReturns(ctx.db, args, ctx.loaders.scope, page.limit, page.after);
      return toConnection(rows, page.limit, (row) => ({ sort: row.requested_at.toISOString(), id: row.id }), Boolean(page.after));
    },
  },
  ReturnStatusUpdate: {
    // The return as it is now, visible to the caller (null otherwise), through the usual loader.
    return: (update: { returnId: string }, _: unknown, ctx: Context) => ctx.loaders.returnById.load(update.returnId),
  },
  RequestReturnPayload: payloadReturn,
  AuthorizeReturnPayload: payloadReturn,
  ApproveReturnPayload: payloadReturn,
  DeclineReturnPayload: payloadReturn,
  CancelReturnPayload: payloadReturn,
  MarkReturnInTransitPayload: payloadReturn,
  ReceiveReturnItemsPayload: payloadReturn,
  RecordInspectionPayload: payloadReturn,
  // The rows keep enum values as text (CHECK constraints hold them to the enum); the casts below say so
  // until the rows are typed with the shared vocabulary.
  Return: {
    __resolveReference(reference: { id: string }, ctx: Context) {
      return isId('ret', reference.id) ? ctx.loaders.returnById.load(reference.id) : null;
    },
    financialStatus: (row: ReturnRow) => row.financial_status as ReturnFinancialStatus,
    storeId: (row: ReturnRow) => row.store_id,
    // Staff only (the capability table's `commerceMirror` row): platform ids are back-office detail.
    commerceMirror: (row: ReturnRow, _: unknown, ctx: Context) =>
      mayPerform(ctx.principal, 'commerceMirror') ? ctx.loaders.commerceMirrorByReturnId.load(row.id) : null,
    order: (row: ReturnRow) => ({ __typename: 'Order', id: row.order_id }),
    lines: (row: ReturnRow, _: unknown, ctx: Context) => ctx.loaders.linesByReturnId.load(row.id),
    requestedAt: (row: ReturnRow) => row.requested_at,
    updatedAt: (row: ReturnRow) => row.updated_at,
    refundMethod: (row: ReturnRow) => row.refund_method as RefundMethod | null,
    destinationLocationId: (row: ReturnRow) => row.destination_location_id,
    value: (row: ReturnRow) => money(row.value_minor ?? 0, row.currency ?? 'USD'),
    policyVersion: (row: ReturnRow) => row.policy_version ?? 0,
    fraudAssessment: (row: ReturnRow) => ({ outcome: row.fraud_outcome ?? 'APPROVE', reasons: row.fraud_reasons ?? [] }) as FraudAssessment,
    approval: (row: ReturnRow) => (row.approval ?? 'AUTO_APPROVE') as ApprovalRequirement,
    declineReason: (row: ReturnRow) => row.decline_reason,
    tracking: (row: ReturnRow) => (row.carrier || row.tracking_number ? { carrier: row.carrier, trackingNumber: row.tracking_number } : null),
    timeline: (row: ReturnRow, _: unknown, ctx: Context) => ctx.loaders.timelineByReturnId.load(row.id),
  },
  CommerceMirror: {
    externalReturnId: (row: MirrorRow) => row.external_return_id,
    updatedAt: (row: MirrorRow) => row.updated_at,
  },
  ReturnTimelineEntry: {
    fromStatus: (row: TimelineRow) => row.from_status as ReturnStatus | null,
    toStatus: (row: TimelineRow) => row.to_status as ReturnStatus,
    storeId: (row: TimelineRow) => row.store_id,
    correlationId: (row: TimelineRow) => row.correlation_id,
    occurredAt: (row: TimelineRow) => row.occurred_at,
  },
  ReturnLineDisposition: {
    locationId: (row: DispositionRow) => row.location_id,
    inspectedBy: (row: DispositionRow) => row.inspected_by,
    inspectedAt: (row: DispositionRow) => row.inspected_at,
  },
  ReturnLine: {
    orderLine: (row: ReturnLineRow) => ({ __typename: 'OrderLine', id: row.order_line_id }),
    customerNote: (row: ReturnLineRow) => row.customer_note,
    receivedQuantity: (row: ReturnLineRow) => row.received_quantity,
    dispositions: (row: ReturnLineRow, _: unknown, ctx: Context) => ctx.loaders.dispositionsByLineId.load(row.id),
    inspectedQuantity: async (row: ReturnLineRow, _: unknown, ctx: Context) => inspected(await ctx.loaders.dispositionsByLineId.load(row.id)),
    pendingInspectionQuantity: async (row: ReturnLineRow, _: unknown, ctx: Context) =>
      row.received_quantity - inspected(await ctx.loaders.dispositionsByLineId.load(row.id)),
    async state(row: ReturnLineRow, _: unknown, ctx: Context) {
      const parent = await ctx.loaders.returnById.load(row.return_id);
      const done = inspected(await ctx.loaders.dispositionsByLineId.load(row.id));
      if (done === row.quantity) return 'INSPECTED';
      if (row.received_quantity === 0) return parent && ['DECLINED', 'CANCELED'].includes(parent.status) ? 'CLOSED' : 'EXPECTED';
      if (row.received_quantity > done) return 'PENDING_INSPECTION';
      return 'PARTIALLY_RECEIVED';
    },
    netValue: async (row: ReturnLineRow, _: unknown, ctx: Context) =>
      money(row.net_value_minor, (await ctx.loaders.returnById.load(row.return_id))?.currency ?? 'USD'),
    restockingFee: async (row: ReturnLineRow, _: unknown, ctx: Context) =>
      money(row.restocking_fee_minor, (await ctx.loaders.returnById.load(row.return_id))?.currency ?? 'USD'),
  },
  Order: {
    returns(order: { id: string }, _: unknown, ctx: Context) {
      return isId('ord', order.id) ? ctx.loaders.returnsByOrderId.load(order.id) : [];
    },
  },
};

/** Units of a line given a disposition. */
function inspected(rows: readonly DispositionRow[]): number {
  return rows.reduce((sum, row) => sum + row.quantity, 0);
}
