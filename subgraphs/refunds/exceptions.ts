/**
 * The refunds subgraph's exceptions (`platform/operations/exceptions.ts`): refunds the provider
 * refused or holds, manual refunds waiting for a second approver, credit memos the ERP refused or
 * has not booked after the exception threshold, and open reconciliation mismatches. Each source
 * reads only this subgraph's tables; the correlation id comes from the refund's first event.
 */
import { formatMinor } from '../../platform/money';
import { evidenceText } from '../../platform/operations/exceptions-schema';
import type { ExceptionSource } from '../../platform/operations/exceptions';

/** The refund's flow: the correlation id of its first event in this subgraph's outbox (indexed by migration 026). */
const FIRST_CORRELATION = (refundId: string) => `(SELECT o.correlation_id FROM refunds.outbox o WHERE o.aggregate_id = ${refundId} ORDER BY o.seq LIMIT 1)`;

const amount = (minor: number | string, currency: string) => `${formatMinor(Number(minor), currency)} ${currency}`;

interface RefundExceptionRow {
  id: string;
  order_id: string;
  return_id: string | null;
  status: string;
  amount_minor: string;
  currency: string;
  failure_reason: string | null;
  requested_by: string;
  providers: string | null;
  attempts: string | null;
  last_error: string | null;
  correlation_id: string | null;
  opened_at: Date;
}

/** The refund columns every refund-based source selects. */
const REFUND_COLUMNS = `r.id, r.order_id, r.return_id, r.status, r.amount_minor, r.currency, r.failure_reason, r.requested_by,
  (SELECT string_agg(DISTINCT t.provider, ', ') FROM refunds.refund_tenders t WHERE t.refund_id = r.id) AS providers,
  (SELECT sum(t.attempts) FROM refunds.refund_tenders t WHERE t.refund_id = r.id)::int8 AS attempts,
  (SELECT t.last_error FROM refunds.refund_tenders t WHERE t.refund_id = r.id AND t.last_error IS NOT NULL ORDER BY t.updated_at DESC LIMIT 1) AS last_error,
  ${FIRST_CORRELATION('r.id')} AS correlation_id`;

const refundIds = (row: RefundExceptionRow) => ({ orderId: row.order_id, returnId: row.return_id, refundId: row.id, correlationId: row.correlation_id });

const refundEvidence = (row: RefundExceptionRow) => [
  { label: 'Amount', value: amount(row.amount_minor, row.currency) },
  { label: 'Status', value: row.status },
  { label: 'Provider', value: row.providers ?? '' },
  { label: 'Attempts', value: String(row.attempts ?? 0) },
  { label: 'Error', value: evidenceText(row.failure_reason ?? row.last_error) },
];

/** Refunds the provider refused (FAILED): retried by `retryRefund`, which starts a new generation with a new provider key. Opened at its last change. */
const refundFailed: ExceptionSource = {
  kind: 'REFUND_FAILED',
  select: `SELECT 'refund-failed.' || r.id AS exception_id, r.updated_at AS opened_at, ${REFUND_COLUMNS} FROM refunds.refunds r WHERE r.status = 'FAILED'`,
  toException: (row: RefundExceptionRow) => ({
    summary: `Refund of ${amount(row.amount_minor, row.currency)} failed at ${row.providers ?? 'the provider'}`,
    openedAt: new Date(row.opened_at),
    ...refundIds(row),
    evidence: refundEvidence(row),
    action: { kind: 'RETRY_REFUND', label: 'Retry refund', mutation: 'retryRefund', targetId: row.id },
  }),
};

/**
 * Refunds the provider holds for something more (REQUIRES_ACTION). `retryRefund` takes FAILED
 * refunds only, so the action names it for when the provider gives up; until then the person
 * follows the provider's instruction in the evidence.
 */
const refundRequiresAction: ExceptionSource = {
  kind: 'REFUND_REQUIRES_ACTION',
  select: `SELECT 'refund-requires-action.' || r.id AS exception_id, r.updated_at AS opened_at, ${REFUND_COLUMNS} FROM refunds.refunds r WHERE r.status = 'REQUIRES_ACTION'`,
  toException: (row: RefundExceptionRow) => ({
    summary: `Refund of ${amount(row.amount_minor, row.currency)} needs action at ${row.providers ?? 'the provider'}`,
    openedAt: new Date(row.opened_at),
    ...refundIds(row),
    evidence: refundEvidence(row),
    action: { kind: 'RETRY_REFUND', label: 'Retry refund', mutation: 'retryRefund', targetId: row.id },
  }),
};

/** Manual refunds above the four-eyes threshold: approved by `approveRefund` by someone other than the requester, named in the evidence. */
const refundAwaitingApproval: ExceptionSource = {
  kind: 'REFUND_AWAITING_APPROVAL',
  select: `SELECT 'refund-approval.' || r.id AS exception_id, r.created_at AS opened_at, ${REFUND_COLUMNS} FROM refunds.refunds r
            WHERE r.approval_state = 'AWAITING_APPROVAL' AND r.status NOT IN ('CANCELED', 'SUCCEEDED')`,
  toException: (row: RefundExceptionRow) => ({
    summary: `Refund of ${amount(row.amount_minor, row.currency)} requested by ${row.requested_by} waits for a second approver`,
    openedAt: new Date(row.opened_at),
    ...refundIds(row),
    evidence: [
      { label: 'Amount', value: amount(row.amount_minor, row.currency) },
      { label: 'Requested by', value: row.requested_by },
      { label: 'Approver', value: `anyone with the approveRefund capability but ${row.requested_by}` },
    ],
    action: { kind: 'APPROVE_REFUND', label: 'Approve', mutation: 'approveRefund', targetId: row.id },
  }),
};

/** Credit memos the ERP refused (FAILED) or has not booked after `exceptionAfterAttempts`: posted again by `retryCreditMemoPosting`. */
function creditMemoFailed(exceptionAfterAttempts: number): ExceptionSource {
  return {
    kind: 'CREDIT_MEMO_FAILED',
    select: `SELECT 'credit-memo.' || m.refund_id AS exception_id, m.queued_at AS opened_at, m.refund_id, m.status, m.amount_minor,
                    m.currency, m.attempts, m.last_error, m.failure_reason, r.order_id, r.return_id,
                    COALESCE(m.correlation_id, ${FIRST_CORRELATION('m.refund_id')}) AS correlation_id
               FROM refunds.credit_memos m JOIN refunds.refunds r ON r.id = m.refund_id
              WHERE m.status = 'FAILED' OR (m.status = 'QUEUED' AND m.attempts >= ${Number(exceptionAfterAttempts)})`,
    toException: (row: {
      opened_at: Date;
      refund_id: string;
      status: string;
      amount_minor: string;
      currency: string;
      attempts: number;
      last_error: string | null;
      failure_reason: string | null;
      order_id: string;
      return_id: string | null;
      correlation_id: string | null;
    }) => ({
      summary:
        row.status === 'FAILED'
          ? `The ERP refused the credit memo of ${amount(row.amount_minor, row.currency)}`
          : `The credit memo of ${amount(row.amount_minor, row.currency)} is still unposted after ${row.attempts} attempts`,
      openedAt: new Date(row.opened_at),
      orderId: row.order_id,
      returnId: row.return_id,
      refundId: row.refund_id,
      correlationId: row.correlation_id,
      evidence: [
        { label: 'Amount', value: amount(row.amount_minor, row.currency) },
        { label: 'Status', value: row.status },
        { label: 'Attempts', value: String(row.attempts) },
        { label: 'Error', value: evidenceText(row.failure_reason ?? row.last_error) },
      ],
      action: { kind: 'RETRY_POSTING', label: 'Retry posting', mutation: 'retryCreditMemoPosting', targetId: row.refund_id },
    }),
  };
}

/** Open three-way reconciliation mismatches: closed by a later run that no longer finds them, or by a person with `resolveReconciliationException`. */
const reconciliationMismatch: ExceptionSource = {
  kind: 'RECONCILIATION_MISMATCH',
  select: `SELECT 'mismatch.' || x.id AS exception_id, x.first_seen_at AS opened_at, x.id, x.code, x.message, x.evidence, x.refund_id, x.provider,
                  r.order_id, r.return_id, ${FIRST_CORRELATION('x.refund_id')} AS correlation_id
             FROM refunds.reconciliation_exceptions x LEFT JOIN refunds.refunds r ON r.id = x.refund_id
            WHERE x.status = 'OPEN'`,
  toException: (row: {
    opened_at: Date;
    id: string;
    code: string;
    message: string;
    evidence: { graph?: unknown; provider?: unknown; erp?: unknown };
    refund_id: string | null;
    order_id: string | null;
    return_id: string | null;
    correlation_id: string | null;
  }) => ({
    summary: `${row.code}: ${row.message}`,
    openedAt: new Date(row.opened_at),
    orderId: row.order_id,
    returnId: row.return_id,
    refundId: row.refund_id,
    correlationId: row.correlation_id,
    evidence: [
      { label: 'Code', value: row.code },
      { label: 'Graph', value: evidenceText(JSON.stringify(row.evidence.graph ?? null)) },
      { label: 'Provider', value: evidenceText(JSON.stringify(row.evidence.provider ?? null)) },
      { label: 'ERP', value: evidenceText(JSON.stringify(row.evidence.erp ?? null)) },
    ],
    action: { kind: 'RESOLVE_MISMATCH', label: 'Resolve', mutation: 'resolveReconciliationException', targetId: String(row.id) },
  }),
};

/** Every exception source of the refunds subgraph (dead letters are added by the platform). */
export function refundsExceptionSources(exceptionAfterAttempts: number): ExceptionSource[] {
  return [refundFailed, refundRequiresAction, refundAwaitingApproval, creditMemoFailed(exceptionAfterAttempts), reconciliationMismatch];
}
