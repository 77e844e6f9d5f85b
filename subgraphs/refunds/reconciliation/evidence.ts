import type { ProviderRefundRecord } from '../../../connectors/payments/port';
import type { ErpCreditMemoRecord } from '../../../connectors/erp/port';
import type { GraphRefund, GraphTender } from './types';

/** What each side holds about a finding, as stored in `evidence` and shown to finance: plain JSON, times as ISO text. */

/** The graph's refund, with the tender concerned (if one) and our own record of its credit memo. */
export function graphEvidence(refund: GraphRefund, tender: GraphTender | null): Record<string, unknown> {
  return {
    refundId: refund.id,
    orderId: refund.orderId,
    status: refund.status,
    amountMinor: refund.amountMinor,
    currency: refund.currency,
    createdAt: refund.createdAt.toISOString(),
    creditMemo: refund.memo,
    ...(tender && {
      tender: {
        id: tender.id,
        provider: tender.provider,
        providerRefundId: tender.providerRefundId,
        amountMinor: tender.amountMinor,
        status: tender.status,
        generation: tender.generation,
      },
    }),
  };
}

/** The provider's record. */
export function providerEvidence(provider: string, record: ProviderRefundRecord): Record<string, unknown> {
  return {
    provider,
    providerRefundId: record.providerRefundId,
    paymentReference: record.paymentReference,
    amountMinor: record.amountMinor,
    currency: record.currency,
    status: record.status,
    reference: record.reference,
    createdAt: record.createdAt.toISOString(),
  };
}

/** The ERP's memo. */
export function erpEvidence(memo: ErpCreditMemoRecord): Record<string, unknown> {
  return {
    refundId: memo.refundId,
    erpReference: memo.erpReference,
    totalMinor: memo.totalMinor,
    currency: memo.currency,
    postedAt: memo.postedAt.toISOString(),
  };
}
