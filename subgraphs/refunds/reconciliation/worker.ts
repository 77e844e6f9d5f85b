import type { Db } from '../../../platform/db';
import { componentLogger } from '../../../platform/logger';
import type { Reconciler } from './engine';
import { queueScheduledRunIfDue } from './store';

const log = componentLogger('refund-reconciliation');

/** How often the worker looks whether a scheduled run is due (the interval itself is a setting). */
const SCHEDULE_POLL_MS = 30_000;

/** The schedule: how often, and over how much of the past. */
export interface ReconciliationSchedule {
  /** A run is started this often (ms, across all instances); 0 turns the schedule off. */
  intervalMs: number;
  /** Each scheduled run covers this much time before it (ms); overlapping windows resolve what was fixed since. */
  lookbackMs: number;
}

/**
 * Starts a reconciliation run every `intervalMs` over the `lookbackMs` before it. Several
 * instances may run this worker: the due check and the queueing happen under the run lock, and
 * only one run is RUNNING at a time (`claimRun`).
 */
export class ReconciliationWorker {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;

  constructor(
    private readonly db: Db,
    private readonly reconciler: Reconciler,
    private readonly schedule: ReconciliationSchedule,
    private readonly pollMs = Math.min(SCHEDULE_POLL_MS, schedule.intervalMs),
  ) {}

  start(): void {
    if (this.schedule.intervalMs <= 0) return;
    const tick = () => {
      if (this.round) return;
      this.round = this.runOnce()
        .then(() => undefined)
        .catch((error: unknown) => log.warn({ err: error }, 'scheduled reconciliation failed'))
        .finally(() => (this.round = undefined));
    };
    this.timer = setInterval(tick, this.pollMs);
    this.timer.unref?.();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.round;
  }

  /** Queues and executes a scheduled run if one is due; returns its id, or null. */
  async runOnce(): Promise<string | null> {
    const runId = await queueScheduledRunIfDue(this.db, this.schedule.intervalMs, this.schedule.lookbackMs);
    if (!runId) return null;
    const run = await this.reconciler.execute(runId);
    log.info({ run: runId, status: run?.status, found: run?.exceptions_found, resolved: run?.exceptions_resolved }, 'scheduled reconciliation ran');
    return runId;
  }
}
