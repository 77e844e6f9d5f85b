/**
 * Admission control: how many client operations the gateway executes at once, and how many wait
 * for a turn. Past both bounds a request is refused at once, before any work is done, so overload
 * shows as quick refusals the client can retry instead of latency that grows without limit.
 *
 * Two lanes share the slots. Mutations (`write`: a till authorizing a return) may use every slot;
 * queries (`read`) may not use the last `writeReserve` of them, so a flood of reads cannot keep a
 * counter's mutation out. Waiting writes are served before waiting reads, each lane first in first
 * out, and a write that finds the queue full takes the place of the newest waiting read (which is
 * refused; it has done nothing yet, so retrying it is safe).
 *
 * Pure: no HTTP, no metrics (the caller records outcomes); the only side effect is a timer per
 * waiting request, which bounds its wait.
 */

/** Which lane a request takes: mutations write, everything else reads. */
export type Lane = 'read' | 'write';

/** Bounds of one gateway's admission. */
export interface AdmissionLimits {
  /** Operations executing at once, both lanes together (`GATEWAY_MAX_IN_FLIGHT`). At least 1. */
  maxInFlight: number;
  /** Requests waiting for a slot, both lanes together (`GATEWAY_MAX_QUEUED`); 0 refuses at once when full. */
  maxQueued: number;
  /** Longest a request waits for a slot before it is refused (`GATEWAY_MAX_QUEUE_WAIT_MS`). */
  maxQueueWaitMs: number;
  /** Slots only mutations may use (`GATEWAY_WRITE_RESERVE`); below `maxInFlight`. */
  writeReserve: number;
}

/**
 * Defaults for a 2-core gateway (to be confirmed by `npm run bench -- admission` on a quiet
 * machine; the first runs shared the machine with other load, see docs/design/014):
 * - `maxInFlight` 64: bench/returns.ts keeps two cores busy with 16 authorizeReturns in flight, so
 *   more mostly adds waiting; 64 leaves room for reads that wait on I/O.
 * - `maxQueued` 256 and `maxQueueWaitMs` 1000: a burst of a few hundred requests is absorbed,
 *   and nobody waits more than a second before either running or being told to come back.
 * - `writeReserve` 16: the slots that keep two cores busy with mutations, which no read may take.
 */
export const DEFAULT_ADMISSION_LIMITS: Readonly<AdmissionLimits> = { maxInFlight: 64, maxQueued: 256, maxQueueWaitMs: 1_000, writeReserve: 16 };

/** Why a request was refused: no slot and no room to wait, its wait ran out, or a write took its place in the queue. */
export type RefusalReason = 'queue_full' | 'wait_expired' | 'displaced';

/** The outcome of asking for a slot. */
export type Admission =
  | {
      admitted: true;
      /** Milliseconds spent waiting (0 when a slot was free). */
      waitedMs: number;
      /** Gives the slot back; call exactly once, when the operation's response is written (also on error). */
      release(): void;
    }
  | { admitted: false; reason: RefusalReason; retryAfterSeconds: number };

/** Counts of one gateway's admission at this moment, for metrics and tests. */
export interface AdmissionState {
  inFlight: Record<Lane, number>;
  queued: Record<Lane, number>;
}

interface Waiter {
  lane: Lane;
  enqueuedAt: number;
  timer: NodeJS.Timeout;
  settle(admission: Admission): void;
}

/** Throws when limits cannot work together; app/config.ts validates the same for settings. */
function checkLimits(limits: AdmissionLimits): void {
  const whole = (name: keyof AdmissionLimits, min: number) => {
    if (!Number.isInteger(limits[name]) || limits[name] < min)
      throw new RangeError(`Admission ${name} must be a whole number of at least ${min}, but got: ${limits[name]}`);
  };
  whole('maxInFlight', 1);
  whole('maxQueued', 0);
  whole('maxQueueWaitMs', 1);
  whole('writeReserve', 0);
  if (limits.writeReserve >= limits.maxInFlight) {
    throw new RangeError(`Admission writeReserve (${limits.writeReserve}) must be below maxInFlight (${limits.maxInFlight}), or reads could never run`);
  }
}

/** One gateway's admission: slots for executing operations and a bounded, time-limited queue. */
export class AdmissionGate {
  private readonly inFlight: Record<Lane, number> = { read: 0, write: 0 };
  private readonly queues: Record<Lane, Waiter[]> = { read: [], write: [] };
  /**
   * What a refused client is told to wait, in whole seconds (HTTP's `Retry-After` has no
   * fractions): one maximum wait, by which every request queued now has run or been refused.
   */
  readonly retryAfterSeconds: number;

  constructor(
    readonly limits: AdmissionLimits,
    private readonly now: () => number = () => performance.now(),
  ) {
    checkLimits(limits);
    this.retryAfterSeconds = Math.max(1, Math.ceil(limits.maxQueueWaitMs / 1000));
  }

  /** Asks for a slot in `lane`: at once when one is free, after a wait in the queue, or a refusal. */
  acquire(lane: Lane): Promise<Admission> {
    if (this.hasSlotFor(lane) && this.queues.write.length + (lane === 'read' ? this.queues.read.length : 0) === 0) {
      return Promise.resolve(this.admit(lane, 0));
    }
    if (this.queuedCount() >= this.limits.maxQueued && !this.displaceNewestRead(lane)) return Promise.resolve(this.refusal('queue_full'));
    return new Promise<Admission>((settle) => {
      const waiter: Waiter = {
        lane,
        enqueuedAt: this.now(),
        settle,
        timer: setTimeout(() => this.expire(waiter), this.limits.maxQueueWaitMs),
      };
      // A waiting request must not keep a closing process alive; its own connection does that.
      waiter.timer.unref();
      this.queues[lane].push(waiter);
    });
  }

  /** Operations executing and requests waiting, per lane. */
  state(): AdmissionState {
    return { inFlight: { ...this.inFlight }, queued: { read: this.queues.read.length, write: this.queues.write.length } };
  }

  private hasSlotFor(lane: Lane): boolean {
    const used = this.inFlight.read + this.inFlight.write;
    return lane === 'write' ? used < this.limits.maxInFlight : used < this.limits.maxInFlight - this.limits.writeReserve;
  }

  private queuedCount(): number {
    return this.queues.read.length + this.queues.write.length;
  }

  /** A write arriving at a full queue refuses the newest waiting read in its place; false when it cannot. */
  private displaceNewestRead(lane: Lane): boolean {
    if (lane !== 'write') return false;
    const victim = this.queues.read.pop();
    if (!victim) return false;
    clearTimeout(victim.timer);
    victim.settle(this.refusal('displaced'));
    return true;
  }

  private admit(lane: Lane, waitedMs: number): Admission {
    this.inFlight[lane]++;
    let released = false;
    return {
      admitted: true,
      waitedMs,
      release: () => {
        // Idempotent: a second release would hand out a slot that is still in use.
        if (released) return;
        released = true;
        this.inFlight[lane]--;
        this.drain();
      },
    };
  }

  /** Hands free slots to waiting requests: writes first, then reads while the reserve allows. */
  private drain(): void {
    for (;;) {
      const lane: Lane | undefined =
        this.queues.write.length > 0 && this.hasSlotFor('write') ? 'write' : this.queues.read.length > 0 && this.hasSlotFor('read') ? 'read' : undefined;
      if (!lane) return;
      const waiter = this.queues[lane].shift() as Waiter;
      clearTimeout(waiter.timer);
      waiter.settle(this.admit(lane, this.now() - waiter.enqueuedAt));
    }
  }

  private expire(waiter: Waiter): void {
    const queue = this.queues[waiter.lane];
    const index = queue.indexOf(waiter);
    if (index < 0) return;
    queue.splice(index, 1);
    waiter.settle(this.refusal('wait_expired'));
  }

  private refusal(reason: RefusalReason): Admission {
    return { admitted: false, reason, retryAfterSeconds: this.retryAfterSeconds };
  }
}
