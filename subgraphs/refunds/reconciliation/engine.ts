import type { Db } from '../../../platform/db';
import type { PaymentGateway } from '../../../connectors/payments/port';
import type { ErpConnector } from '../../../connectors/erp/port';
import { compare } from './compare';
import { ProviderSources, readErp, readProvider } from './external-sides';
import { existingRefundIds, graphRefunds, tendersOf } from './graph-side';
import { claimRun, failRun, finishRun, findRun, type RunRow } from './store';
import type { ProviderSide, Window } from './types';
import { INTERNAL_PROVIDER } from '../domain/calculate';

/** Counterparts are looked for this long around the window by default: a memo posted the morning after a refund of the night before still matches. */
export const DEFAULT_RECONCILIATION_GRACE_MS = 24 * 3_600_000;
/** A RUNNING run older than this is taken for abandoned (its instance died) and given up. */
export const RUN_LEASE_MS = 30 * 60_000;
/** How long an on-demand run waits for a run in progress (scheduled or another person's) before it gives up. */
export const DEFAULT_BUSY_WAIT_MS = 30_000;
const BUSY_POLL_MS = 250;

/** What the reconciler reads besides the graph. */
export interface ReconcilerSides {
  /** Gateways of their own providers, and the simulated stand-in for the rest (the executor's routing). */
  gateways: readonly PaymentGateway[];
  fallback?: PaymentGateway;
  erp: ErpConnector;
}

/** Options of `Reconciler`. */
export interface ReconcilerOptions {
  /** How far beyond the window (both ways) counterparts are looked for, in ms; default `DEFAULT_RECONCILIATION_GRACE_MS`. */
  graceMs?: number;
  /** How long `execute` waits for a run in progress; default `DEFAULT_BUSY_WAIT_MS`. */
  busyWaitMs?: number;
}

/**
 * Runs reconciliations: claims a QUEUED run (one at a time across instances, `claimRun`), reads
 * the three sides, compares them (`compare.ts`) and stores what it found (`finishRun`).
 */
export class Reconciler {
  private readonly sources: ProviderSources;
  private readonly graceMs: number;
  private readonly busyWaitMs: number;

  constructor(
    private readonly db: Db,
    private readonly sides: ReconcilerSides,
    options: ReconcilerOptions = {},
  ) {
    this.graceMs = options.graceMs ?? DEFAULT_RECONCILIATION_GRACE_MS;
    if (!Number.isSafeInteger(this.graceMs) || this.graceMs < 0) {
      throw new TypeError(`Reconciler graceMs must be a non-negative integer of milliseconds, but got: ${String(options.graceMs)}`);
    }
    this.busyWaitMs = options.busyWaitMs ?? DEFAULT_BUSY_WAIT_MS;
    if (!Number.isSafeInteger(this.busyWaitMs) || this.busyWaitMs < 0) {
      throw new TypeError(`Reconciler busyWaitMs must be a non-negative integer of milliseconds, but got: ${String(options.busyWaitMs)}`);
    }
    this.sources = new ProviderSources(sides.gateways, sides.fallback);
  }

  /**
   * Executes a QUEUED run and returns it as it ended. A run no longer QUEUED (executed already: a
   * replayed mutation) is returned as it is. When another run stays in progress past the busy
   * wait, this one is marked FAILED saying so, rather than run twice at once.
   */
  async execute(runId: string): Promise<RunRow | null> {
    const deadline = Date.now() + this.busyWaitMs;
    for (;;) {
      const claim = await claimRun(this.db, runId, RUN_LEASE_MS);
      if (claim === 'not_queued') return findRun(this.db, runId);
      if (claim === 'claimed') break;
      if (Date.now() >= deadline) {
        await failRun(this.db, runId, 'Another reconciliation run was in progress; nothing was compared. Run it again.');
        return findRun(this.db, runId);
      }
      await new Promise((resolve) => setTimeout(resolve, BUSY_POLL_MS));
    }
    const run = await findRun(this.db, runId);
    if (!run) return null;
    try {
      await this.reconcile(runId, { from: run.window_from, to: run.window_to });
    } catch (error) {
      // The graph itself could not be read or written: the run says so; no exception is invented or resolved.
      await failRun(this.db, runId, `The run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    return findRun(this.db, runId);
  }

  private async reconcile(runId: string, window: Window): Promise<void> {
    const refunds = await graphRefunds(this.db, window);
    // Counterparts lie around the window: a provider refund or memo made after the refund's last change is impossible, one made up to a grace period later is expected.
    const latest = Math.max(window.to.getTime(), ...refunds.map((refund) => refund.lastChangeAt.getTime()));
    const around: Window = { from: new Date(window.from.getTime() - this.graceMs), to: new Date(Math.min(latest + this.graceMs, Date.now() + this.graceMs)) };
    const [read, erp] = await Promise.all([Promise.all(this.sources.all().map((gateway) => readProvider(gateway, around))), readErp(this.sides.erp, around)]);
    // Tenders of a provider nothing here pays through (no gateway, no stand-in) were not checked: the run says so.
    const unrouted = new Set(
      refunds.flatMap((refund) => refund.tenders.map((tender) => tender.provider)).filter((p) => p !== INTERNAL_PROVIDER && this.sources.sourceOf(p) === null),
    );
    const providers = [
      ...read,
      ...[...unrouted].map((provider): ProviderSide => ({
        provider,
        status: 'UNSUPPORTED',
        message: `no payment connector is configured for provider "${provider}"`,
        records: [],
      })),
    ];
    const inWindow = providers.flatMap((side) => side.records).filter((r) => r.createdAt >= window.from && r.createdAt < window.to);
    const tenderIds = inWindow.map((r) => /^(rft_[0-9A-Z]{26}):g\d+$/.exec(r.reference ?? '')?.[1]).filter((id): id is string => id !== undefined);
    const tendersOfRecords = await tendersOf(
      this.db,
      tenderIds,
      inWindow.map((r) => r.providerRefundId),
    );
    const memoRefundIds = erp.records
      .filter((m) => m.refundId !== null && m.postedAt >= window.from && m.postedAt < window.to)
      .map((m) => m.refundId as string);
    const knownRefundIds = await existingRefundIds(this.db, memoRefundIds);
    const findings = compare({ window, refunds, tendersOfRecords, knownRefundIds, providers, erp, sourceOf: (provider) => this.sources.sourceOf(provider) });
    await finishRun(this.db, runId, window, { refundsChecked: refunds.length, providers, erp, findings });
  }
}
