import type { SubgraphContext } from '../../../platform/subgraph';
import { badUserInput } from '../../../platform/graphql/errors';
import { pageRequest, toConnection, type Connection, type PageArgs } from '../../../platform/graphql/connection';
import { RefundErrorCode, RefundMessages, type RefundUserError } from '../user-errors';
import type { RefundsLoaders } from '../loaders';
import type { ReconciliationExceptionCode, ReconciliationSides, Resolvers } from '../generated/graphql';
import type { Reconciler } from './engine';
import { createRun, findRun, listExceptions, listRuns, type ExceptionRow, type RunRow } from './store';

/** The longest window a run may cover: a month of refunds, read in one go from each side. */
export const MAX_WINDOW_DAYS = 31;
/** A window may end this far in the future (clock skew between the caller and us). */
const CLOCK_SKEW_MS = 60_000;
const DAY_MS = 86_400_000;
/** Exception ids are identity numbers, as text. */
const EXCEPTION_ID = /^[1-9][0-9]{0,17}$/;

type Context = SubgraphContext<RefundsLoaders>;

/** A page of runs. */
export type RunConnection = Connection<RunRow>;
/** A page of exceptions. */
export type ExceptionConnection = Connection<ExceptionRow>;

/** What `runReconciliation` stores under its key and replays: the run's id, so a replay shows the run as it is now. */
export interface StoredRunPayload {
  runId: string | null;
  userErrors: RefundUserError[];
}

/** The userErrors of a window, none when it is one a run may cover. */
export function windowErrors(from: Date, to: Date, now = Date.now()): RefundUserError[] {
  if (!(from.getTime() < to.getTime())) return [{ code: RefundErrorCode.INVALID_WINDOW, field: ['input', 'to'], message: RefundMessages.windowNotOrdered }];
  if (to.getTime() > now + CLOCK_SKEW_MS) return [{ code: RefundErrorCode.INVALID_WINDOW, field: ['input', 'to'], message: RefundMessages.windowInFuture }];
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) {
    return [{ code: RefundErrorCode.WINDOW_TOO_LONG, field: ['input', 'from'], message: RefundMessages.windowTooLong(MAX_WINDOW_DAYS) }];
  }
  return [];
}

const runCursor = (run: RunRow) => ({ sort: run.sort_key ?? run.created_at.toISOString(), id: run.id });
const exceptionCursor = (row: ExceptionRow) => ({ sort: row.sort_key ?? row.last_seen_at.toISOString(), id: row.id });
const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

/** A cursor's sort part must be an instant: anything else was not issued by these lists. */
function page(args: PageArgs, idPattern: RegExp) {
  const request = pageRequest(args);
  if (request.after && (Number.isNaN(Date.parse(request.after.sort)) || !idPattern.test(request.after.id))) {
    throw badUserInput('The cursor is not one this list issued.', 'after');
  }
  return request;
}

/**
 * The three-way reconciliation in the graph: `runReconciliation` (queues a run through the write
 * path — key, audit — then executes it), `reconciliationRuns`, `reconciliationExceptions`. The
 * root guard has asked the capability table (finance, operations) before any of these runs.
 */
export function reconciliationResolvers(
  reconciler: Reconciler,
): Pick<
  Resolvers,
  | 'Query'
  | 'Mutation'
  | 'ReconciliationRun'
  | 'ReconciliationException'
  | 'ReconciliationRunConnection'
  | 'ReconciliationExceptionConnection'
  | 'RunReconciliationPayload'
> {
  return {
    Query: {
      async reconciliationRuns(_: unknown, args: PageArgs, ctx: Context) {
        const { limit, after } = page(args, /^rcn_[0-9A-Z]{26}$/);
        return toConnection(await listRuns(ctx.db, { limit, after }), limit, runCursor, Boolean(after));
      },
      async reconciliationExceptions(_: unknown, args: PageArgs & { status?: string | null; code?: string | null }, ctx: Context) {
        const { limit, after } = page(args, EXCEPTION_ID);
        const rows = await listExceptions(ctx.db, { status: args.status, code: args.code, limit, after });
        return toConnection(rows, limit, exceptionCursor, Boolean(after));
      },
    },
    Mutation: {
      async runReconciliation(_: unknown, args: { input: { from: Date; to: Date }; idempotencyKey: string }, ctx: Context): Promise<StoredRunPayload> {
        const { from, to } = args.input;
        const { payload } = await ctx.writes.mutate<StoredRunPayload>(
          ctx.principal,
          { operation: 'runReconciliation', idempotencyKey: args.idempotencyKey, input: { from: from.toISOString(), to: to.toISOString() } },
          async (tx) => {
            const userErrors = windowErrors(from, to);
            if (userErrors.length > 0) return { runId: null, userErrors };
            const runId = await createRun(tx, { trigger: 'ON_DEMAND', requestedBy: ctx.principal.subject.slice(0, 200), window: { from, to } });
            await tx.audit({
              principal: ctx.principal,
              action: 'runReconciliation',
              target: runId,
              details: { from: from.toISOString(), to: to.toISOString() },
            });
            return { runId, userErrors: [] };
          },
          (error) => ({ runId: null, userErrors: [error as RefundUserError] }),
        );
        // After the commit, outside the write's transaction: a run reads other systems. A replay finds it run already.
        if (payload.runId) await reconciler.execute(payload.runId);
        return payload;
      },
    },
    RunReconciliationPayload: {
      run: (payload: StoredRunPayload, _: unknown, ctx: Context) => (payload.runId ? findRun(ctx.db, payload.runId) : null),
    },
    ReconciliationRunConnection: {
      nodes: (connection: Connection<RunRow>) => connection.edges.map((edge) => edge.node),
    },
    ReconciliationExceptionConnection: {
      nodes: (connection: Connection<ExceptionRow>) => connection.edges.map((edge) => edge.node),
    },
    ...fieldResolvers,
  };
}

/** Columns as fields: the rows keep snake_case and the enum values as text (CHECK constraints hold them to the enums). */
const fieldResolvers: Pick<Resolvers, 'ReconciliationRun' | 'ReconciliationException'> = {
  ReconciliationRun: {
    requestedBy: (run: RunRow) => run.requested_by,
    from: (run: RunRow) => run.window_from,
    to: (run: RunRow) => run.window_to,
    erpStatus: (run: RunRow) => run.erp_status,
    providerStatuses: (run: RunRow) => run.provider_statuses,
    refundsChecked: (run: RunRow) => run.refunds_checked,
    providerRecords: (run: RunRow) => run.provider_records,
    erpRecords: (run: RunRow) => run.erp_records,
    exceptionsFound: (run: RunRow) => run.exceptions_found,
    exceptionsNew: (run: RunRow) => run.exceptions_new,
    exceptionsResolved: (run: RunRow) => run.exceptions_resolved,
    createdAt: (run: RunRow) => run.created_at,
    startedAt: (run: RunRow) => run.started_at,
    finishedAt: (run: RunRow) => run.finished_at,
  },
  ReconciliationException: {
    code: (row: ExceptionRow) => row.code as ReconciliationExceptionCode,
    sides: (row: ExceptionRow) => row.sides as ReconciliationSides | null,
    refundId: (row: ExceptionRow) => row.refund_id,
    tenderId: (row: ExceptionRow) => row.tender_id,
    providerRefundId: (row: ExceptionRow) => row.provider_refund_id,
    erpReference: (row: ExceptionRow) => row.erp_reference,
    evidence: (row: ExceptionRow) => ({ graph: json(row.evidence.graph), provider: json(row.evidence.provider), erp: json(row.evidence.erp) }),
    firstSeenRunId: (row: ExceptionRow) => row.first_seen_run,
    lastSeenRunId: (row: ExceptionRow) => row.last_seen_run,
    resolvedRunId: (row: ExceptionRow) => row.resolved_run,
    firstSeenAt: (row: ExceptionRow) => row.first_seen_at,
    lastSeenAt: (row: ExceptionRow) => row.last_seen_at,
    resolvedAt: (row: ExceptionRow) => row.resolved_at,
  },
};
