/**
 * What the refunds subgraph is configured with. `app/config.ts` reads and validates every value
 * once at start-up (and owns the defaults); nothing here reads the environment. Which payment
 * providers it pays through is a choice of connectors, made in `app/connectors.ts`.
 */
export interface RefundsSettings {
  /**
   * Four eyes: manual refunds (`issueRefund`) wait, unpaid, for a second approver who is not the
   * requester once what one requester refunds by hand on one order, in total, is above this amount
   * (minor units, a non-negative safe integer).
   */
  secondApproverAboveMinor: number;
  /** The three-way reconciliation's schedule; absent: no schedule (runs only on demand). */
  reconciliation?: ReconciliationSettings;
  /** Provider calls the executor makes at once, per provider (`REFUND_EXECUTOR_CONCURRENCY`); default `DEFAULT_EXECUTOR_CONCURRENCY`. */
  executorConcurrency?: number;
}

/** When the three-way reconciliation runs by itself (`reconciliation/worker.ts`). */
export interface ReconciliationSettings {
  /** A run is started this often, in ms, across all instances; 0 turns the schedule off. */
  intervalMs: number;
  /** Each scheduled run covers this many hours before it (1 to 744, i.e. 31 days). */
  lookbackHours: number;
  /** How far around a window counterparts (a memo posted the morning after) are looked for, in hours; default 24. */
  graceHours?: number;
}

/** The most a window may span, in hours (31 days), as `runReconciliation` allows. */
const MAX_LOOKBACK_HOURS = 31 * 24;

/** Checks the reconciliation settings once, at construction, naming the bad option. */
export function validatedReconciliationSettings(settings: ReconciliationSettings | undefined): Required<ReconciliationSettings> {
  const resolved = { intervalMs: 0, lookbackHours: 48, graceHours: 24, ...settings };
  if (!Number.isSafeInteger(resolved.intervalMs) || resolved.intervalMs < 0) {
    throw new TypeError(`refunds settings reconciliation.intervalMs must be an integer >= 0 (0 = off), but got: ${String(resolved.intervalMs)}`);
  }
  if (!Number.isSafeInteger(resolved.lookbackHours) || resolved.lookbackHours < 1 || resolved.lookbackHours > MAX_LOOKBACK_HOURS) {
    throw new TypeError(
      `refunds settings reconciliation.lookbackHours must be an integer from 1 to ${MAX_LOOKBACK_HOURS}, but got: ${String(resolved.lookbackHours)}`,
    );
  }
  if (!Number.isSafeInteger(resolved.graceHours) || resolved.graceHours < 0 || resolved.graceHours > MAX_LOOKBACK_HOURS) {
    throw new TypeError(
      `refunds settings reconciliation.graceHours must be an integer from 0 to ${MAX_LOOKBACK_HOURS}, but got: ${String(resolved.graceHours)}`,
    );
  }
  return resolved;
}

/** The part of the settings `issueRefund` applies. */
export type FourEyesSettings = Pick<RefundsSettings, 'secondApproverAboveMinor'>;
