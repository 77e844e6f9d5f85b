import type { ProviderRefundRecord } from '../../../connectors/payments/port';
import type { ErpCreditMemoRecord } from '../../../connectors/erp/port';
import type { MismatchCode } from '../user-errors';

/** A window of records, [from, to). */
export interface Window {
  from: Date;
  to: Date;
}

/** Whether a side's records could be read: OK, the read failed, or the connector cannot list at all. */
export type SideStatus = 'OK' | 'UNAVAILABLE' | 'UNSUPPORTED';

/** One tender of a graph refund, as reconciliation compares it. */
export interface GraphTender {
  id: string;
  provider: string;
  providerRefundId: string | null;
  amountMinor: number;
  status: string;
  generation: number;
}

/** A graph refund with its tenders and our own record of its credit memo. */
export interface GraphRefund {
  id: string;
  orderId: string;
  status: string;
  amountMinor: number;
  currency: string;
  createdAt: Date;
  /** The latest change of the refund, its tenders or its memo: how far past the window its counterparts may lie. */
  lastChangeAt: Date;
  memo: { status: string; amountMinor: number; erpReference: string | null } | null;
  tenders: GraphTender[];
}

/** The records of one payment provider source (a gateway, or the simulated stand-in for the rest). */
export interface ProviderSide {
  provider: string;
  status: SideStatus;
  message: string | null;
  records: ProviderRefundRecord[];
}

/** The ERP's credit memos, or why they could not be read. */
export interface ErpSide {
  status: SideStatus;
  message: string | null;
  records: ErpCreditMemoRecord[];
}

/** Which two sides an AMOUNT_DIFFERS / CURRENCY_DIFFERS is between. */
export type Sides = 'GRAPH_PROVIDER' | 'GRAPH_ERP';

/** What each side holds about a finding; null where a side has nothing (or was not consulted). */
export interface Evidence {
  graph: Record<string, unknown> | null;
  provider: Record<string, unknown> | null;
  erp: Record<string, unknown> | null;
}

/** One disagreement a run found. */
export interface Finding {
  code: MismatchCode;
  sides: Sides | null;
  /** The provider source the finding depends on, if any: it is only resolved by a run that read it. */
  provider: string | null;
  /** Whether it depends on the ERP's records. */
  needsErp: boolean;
  refundId: string | null;
  tenderId: string | null;
  providerRefundId: string | null;
  erpReference: string | null;
  /** When what it is about happened: a run covering this instant decides whether it still holds. */
  anchorAt: Date;
  message: string;
  evidence: Evidence;
}

/** The identity of a finding across runs: the same disagreement about the same records. */
export function matchKey(finding: Finding): string {
  return [finding.code, finding.sides, finding.refundId, finding.tenderId, finding.provider, finding.providerRefundId, finding.erpReference]
    .map((part) => part ?? '-')
    .join('|');
}
