import type { ProviderRefundRecord } from '../../../connectors/payments/port';
import type { ErpCreditMemoRecord } from '../../../connectors/erp/port';
import { MismatchCode, MismatchMessages } from '../user-errors';
// Tenders paid back inside the graph (store credit, gift card, cash): no provider holds a record of them.
import { INTERNAL_PROVIDER } from '../domain/calculate';
import type { ErpSide, Evidence, Finding, GraphRefund, GraphTender, ProviderSide, Sides, Window } from './types';
import { erpEvidence, graphEvidence, providerEvidence } from './evidence';

/** Our key as a provider echoes it (`tenderRefundKey`: `rft_…:g<n>`), split into tender id and generation. */
const TENDER_KEY = /^(rft_[0-9A-HJKMNP-TV-Z]{26}):g([1-9][0-9]{0,5})$/;

/** Statuses of a provider record that moved no money and never will. */
const NO_MONEY: ReadonlySet<string> = new Set(['FAILED', 'CANCELED']);

/** Everything one run compares. */
export interface ComparisonInput {
  window: Window;
  /** Graph refunds created in the window: the refunds this run answers for. */
  refunds: readonly GraphRefund[];
  /** Graph tenders the window's provider records point at (by key or provider refund id), wherever their refund lies in time. */
  tendersOfRecords: readonly (GraphTender & { refundId: string })[];
  /** Ids of graph refunds the window's ERP memos name that exist in the graph. */
  knownRefundIds: ReadonlySet<string>;
  providers: readonly ProviderSide[];
  erp: ErpSide;
  /** The provider source whose records hold a tender of `provider` (its own gateway, or the simulated stand-in); null: none configured. */
  sourceOf(provider: string): string | null;
}

/**
 * The three-way comparison, pure: graph refunds created in the window against the providers'
 * records and the ERP's memos (read a grace period around the window, so a counterpart made just
 * after it is found), and the providers' and the ERP's records of the window against the graph.
 * A side that could not be read yields no finding that would need it.
 *
 * The graph is the hub: amounts and currencies are compared graph↔provider per tender and
 * graph↔ERP per refund. A provider↔ERP disagreement always shows as one of those, since a
 * refund's tenders add up to its amount.
 */
export function compare(input: ComparisonInput): Finding[] {
  const index = indexRecords(input.providers);
  const erpByRefund = new Map<string, ErpCreditMemoRecord>();
  for (const memo of input.erp.records) if (memo.refundId !== null && !erpByRefund.has(memo.refundId)) erpByRefund.set(memo.refundId, memo);
  const readable = new Set(input.providers.filter((side) => side.status === 'OK').map((side) => side.provider));
  const erpReadable = input.erp.status === 'OK';
  const findings: Finding[] = [];
  for (const refund of input.refunds)
    findings.push(...refundFindings(refund, input, index, readable, erpReadable ? (erpByRefund.get(refund.id) ?? null) : undefined));
  findings.push(...unknownProviderRefunds(input, readable));
  if (erpReadable) findings.push(...memosOfUnknownRefunds(input));
  return findings;
}

interface RecordIndex {
  byProviderId: Map<string, ProviderRefundRecord & { source: string }>;
  byTender: Map<string, (ProviderRefundRecord & { source: string; generation: number })[]>;
}

function indexRecords(providers: readonly ProviderSide[]): RecordIndex {
  const index: RecordIndex = { byProviderId: new Map(), byTender: new Map() };
  for (const side of providers) {
    for (const record of side.records) {
      const sourced = { ...record, source: side.provider };
      index.byProviderId.set(`${side.provider}|${record.providerRefundId}`, sourced);
      const key = record.reference === null ? null : TENDER_KEY.exec(record.reference);
      if (key) {
        const list = index.byTender.get(key[1] as string) ?? [];
        list.push({ ...sourced, generation: Number(key[2]) });
        index.byTender.set(key[1] as string, list);
      }
    }
  }
  return index;
}

/** The provider's records of one tender: by its provider refund id or by our key, any generation. */
function recordsOf(tender: GraphTender, source: string, index: RecordIndex): (ProviderRefundRecord & { generation: number | null })[] {
  const byKey = (index.byTender.get(tender.id) ?? []).filter((record) => record.source === source);
  const byId = tender.providerRefundId === null ? undefined : index.byProviderId.get(`${source}|${tender.providerRefundId}`);
  const records: (ProviderRefundRecord & { generation: number | null })[] = [...byKey];
  if (byId && !byKey.some((record) => record.providerRefundId === byId.providerRefundId)) records.push({ ...byId, generation: null });
  return records;
}

/** The record that stands for the tender now: its provider refund id, else its generation, else the latest. */
function currentRecord(tender: GraphTender, records: readonly (ProviderRefundRecord & { generation: number | null })[]) {
  return (
    records.find((record) => record.providerRefundId === tender.providerRefundId) ??
    records.find((record) => record.generation === tender.generation) ??
    [...records].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0] ??
    null
  );
}

/** How a refund's tenders stand at their providers, as far as they could be read. */
interface PaymentState {
  /** The first tender known to be paid: by its provider's record, or an internal tender that succeeded. */
  paidVia: { provider: string | null; tender: GraphTender; record: ProviderRefundRecord | null } | null;
  /** Some provider tender's provider could not be read: "not paid" cannot be said. */
  unreadProvider: boolean;
  /** The provider of the first provider tender, for an ERP-side finding's dependency. */
  firstProvider: string | null;
}

/** One graph refund against the providers' records and the ERP's memo. */
function refundFindings(
  refund: GraphRefund,
  input: ComparisonInput,
  index: RecordIndex,
  readable: ReadonlySet<string>,
  /** The ERP's memo (null: none), or undefined when the ERP could not be read. */
  memo: ErpCreditMemoRecord | null | undefined,
): Finding[] {
  const findings: Finding[] = [];
  const state: PaymentState = { paidVia: null, unreadProvider: false, firstProvider: null };
  for (const tender of refund.tenders) {
    if (tender.provider === INTERNAL_PROVIDER) {
      if (tender.status === 'SUCCEEDED') state.paidVia ??= { provider: null, tender, record: null };
      continue;
    }
    const source = input.sourceOf(tender.provider);
    state.firstProvider ??= source ?? tender.provider;
    if (source === null || !readable.has(source)) {
      state.unreadProvider = true;
      continue;
    }
    const records = recordsOf(tender, source, index);
    const paid = records.find((record) => record.status === 'SUCCEEDED') ?? null;
    if (paid) state.paidVia ??= { provider: source, tender, record: paid };
    findings.push(...tenderFindings(refund, tender, source, records, paid ?? currentRecord(tender, records), memo ?? null));
  }
  if (memo !== undefined) findings.push(...erpFindings(refund, state, memo));
  return findings;
}

/** A provider tender against its provider's records: missing there, or another amount or currency. */
function tenderFindings(
  refund: GraphRefund,
  tender: GraphTender,
  source: string,
  records: readonly ProviderRefundRecord[],
  current: ProviderRefundRecord | null,
  memo: ErpCreditMemoRecord | null,
): Finding[] {
  const evidence = (record: ProviderRefundRecord | null): Evidence => ({
    graph: graphEvidence(refund, tender),
    provider: record && providerEvidence(source, record),
    erp: memo && erpEvidence(memo),
  });
  const on = { refundId: refund.id, anchorAt: refund.createdAt, provider: source, needsErp: false, tenderId: tender.id };
  if (tender.status === 'SUCCEEDED' && records.length === 0) {
    return [
      {
        ...on,
        code: MismatchCode.MISSING_AT_PROVIDER,
        sides: null,
        providerRefundId: tender.providerRefundId,
        erpReference: null,
        message: MismatchMessages.missingAtProvider(refund.id, tender.id, source),
        evidence: evidence(null),
      },
    ];
  }
  // A record that moved no money (a failed earlier generation) has nothing to agree on.
  if (!current || NO_MONEY.has(current.status)) return [];
  const ids = { providerRefundId: current.providerRefundId, erpReference: null };
  const findings: Finding[] = [];
  if (current.amountMinor !== tender.amountMinor) {
    const [graph, provider] = [`${tender.amountMinor} (graph tender)`, `${current.amountMinor} (${source})`];
    findings.push(differs(on, ids, 'amount', 'GRAPH_PROVIDER', graph, provider, evidence(current)));
  }
  if (current.currency !== refund.currency) {
    const [graph, provider] = [`${refund.currency} (graph)`, `${current.currency} (${source})`];
    findings.push(differs(on, ids, 'currency', 'GRAPH_PROVIDER', graph, provider, evidence(current)));
  }
  return findings;
}

/** A refund against the ERP's memo: paid and not booked, booked and not paid, another amount or currency. */
function erpFindings(refund: GraphRefund, state: PaymentState, memo: ErpCreditMemoRecord | null): Finding[] {
  const on = { refundId: refund.id, anchorAt: refund.createdAt, needsErp: true, tenderId: null };
  const { paidVia } = state;
  if (!memo) {
    if (!paidVia) return [];
    return [
      {
        ...on,
        code: MismatchCode.PAID_NOT_BOOKED,
        sides: null,
        provider: paidVia.provider,
        tenderId: paidVia.tender.id,
        providerRefundId: paidVia.record?.providerRefundId ?? paidVia.tender.providerRefundId,
        erpReference: null,
        message: MismatchMessages.paidNotBooked(refund.id, paidVia.provider ?? `${INTERNAL_PROVIDER} tender`),
        evidence: {
          graph: graphEvidence(refund, paidVia.tender),
          provider: paidVia.record && paidVia.provider ? providerEvidence(paidVia.provider, paidVia.record) : null,
          erp: null,
        },
      },
    ];
  }
  const evidence = { graph: graphEvidence(refund, null), provider: null, erp: erpEvidence(memo) };
  const findings: Finding[] = [];
  if (!paidVia && !state.unreadProvider) {
    findings.push({
      ...on,
      code: MismatchCode.BOOKED_NOT_PAID,
      sides: null,
      provider: state.firstProvider,
      providerRefundId: null,
      erpReference: memo.erpReference,
      message: MismatchMessages.bookedNotPaid(memo.erpReference, refund.id, 'no provider shows a successful refund for it'),
      evidence,
    });
  }
  const onMemo = { ...on, provider: null };
  const ids = { providerRefundId: null, erpReference: memo.erpReference };
  if (memo.totalMinor !== refund.amountMinor) {
    findings.push(differs(onMemo, ids, 'amount', 'GRAPH_ERP', `${refund.amountMinor} (graph)`, `${memo.totalMinor} (ERP)`, evidence));
  }
  if (memo.currency !== refund.currency) {
    findings.push(differs(onMemo, ids, 'currency', 'GRAPH_ERP', `${refund.currency} (graph)`, `${memo.currency} (ERP)`, evidence));
  }
  return findings;
}

function differs(
  on: { refundId: string; anchorAt: Date; provider: string | null; needsErp: boolean; tenderId: string | null },
  ids: { providerRefundId: string | null; erpReference: string | null },
  what: 'amount' | 'currency',
  sides: Sides,
  left: string,
  right: string,
  evidence: Evidence,
): Finding {
  const between = sides === 'GRAPH_PROVIDER' ? 'the graph and the provider' : 'the graph and the ERP';
  return {
    ...on,
    ...ids,
    code: what === 'amount' ? MismatchCode.AMOUNT_DIFFERS : MismatchCode.CURRENCY_DIFFERS,
    sides,
    message: MismatchMessages.sidesDiffer(what, between, on.refundId, left, right),
    evidence,
  };
}

/** Provider records created in the window that no graph tender initiated (by our key, or by their id on a tender). */
function unknownProviderRefunds(input: ComparisonInput, readable: ReadonlySet<string>): Finding[] {
  const tenderIds = new Set(input.tendersOfRecords.map((tender) => tender.id));
  const providerIds = new Set(
    input.tendersOfRecords.filter((t) => t.providerRefundId !== null).map((t) => `${input.sourceOf(t.provider)}|${t.providerRefundId}`),
  );
  const findings: Finding[] = [];
  for (const side of input.providers) {
    if (!readable.has(side.provider)) continue;
    for (const record of side.records) {
      if (!within(record.createdAt, input.window)) continue;
      const key = record.reference === null ? null : TENDER_KEY.exec(record.reference);
      if ((key && tenderIds.has(key[1] as string)) || providerIds.has(`${side.provider}|${record.providerRefundId}`)) continue;
      findings.push({
        code: MismatchCode.UNKNOWN_PROVIDER_REFUND,
        sides: null,
        provider: side.provider,
        needsErp: false,
        refundId: null,
        tenderId: null,
        providerRefundId: record.providerRefundId,
        erpReference: null,
        anchorAt: record.createdAt,
        message: MismatchMessages.unknownProviderRefund(side.provider, record.providerRefundId, record.amountMinor, record.currency),
        evidence: { graph: null, provider: providerEvidence(side.provider, record), erp: null },
      });
    }
  }
  return findings;
}

/** ERP memos posted in the window for a refund id the graph does not hold: booked, and nothing of ours paid it. */
function memosOfUnknownRefunds(input: ComparisonInput): Finding[] {
  return input.erp.records
    .filter((memo) => memo.refundId !== null && within(memo.postedAt, input.window) && !input.knownRefundIds.has(memo.refundId))
    .map((memo) => ({
      code: MismatchCode.BOOKED_NOT_PAID,
      sides: null,
      provider: null,
      needsErp: true,
      refundId: memo.refundId,
      tenderId: null,
      providerRefundId: null,
      erpReference: memo.erpReference,
      anchorAt: memo.postedAt,
      message: MismatchMessages.bookedNotPaid(memo.erpReference, memo.refundId as string, 'the graph holds no such refund'),
      evidence: { graph: null, provider: null, erp: erpEvidence(memo) },
    }));
}

const within = (at: Date, window: Window) => at.getTime() >= window.from.getTime() && at.getTime() < window.to.getTime();
