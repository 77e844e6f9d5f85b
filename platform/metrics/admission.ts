/**
 * The gateway's admission control (gateway/admission.ts): requests admitted and refused per lane,
 * how long admitted ones waited, and at scrape time the operations executing and waiting.
 */
import { LATENCY_BUCKETS_S, ScrapeSources, defineCounter, defineGauge, defineHistogram } from './registry';

/** What one gate reports at a scrape: per lane (`read`, `write`), operations executing and requests waiting. */
export interface AdmissionGauges {
  inFlight: Record<string, number>;
  queued: Record<string, number>;
}

const admitted = defineCounter({
  name: 'gateway_admission_admitted_total',
  help: 'Client operations the gateway admitted for execution, by lane (read: queries, write: mutations).',
  labelNames: ['lane'],
});
const refused = defineCounter({
  name: 'gateway_admission_refused_total',
  help: 'Client operations the gateway refused with 503 before doing any work, by lane and reason (queue_full, wait_expired, displaced: a mutation took its place in the queue).',
  labelNames: ['lane', 'reason'],
});
const queueWait = defineHistogram({
  name: 'gateway_admission_queue_wait_seconds',
  help: 'Time admitted operations waited for an execution slot, by lane (0 when one was free).',
  labelNames: ['lane'],
  buckets: LATENCY_BUCKETS_S,
});

/** The gates of this process (two gateways in one process have two). */
const gates = new ScrapeSources<() => AdmissionGauges>();
/** The sum over every gate of one count per lane. */
function sumOver(pick: (gauges: AdmissionGauges) => Record<string, number>): Map<string, number> {
  const sums = new Map<string, number>();
  for (const gauges of gates.all().map((read) => read())) {
    for (const [lane, count] of Object.entries(pick(gauges))) sums.set(lane, (sums.get(lane) ?? 0) + count);
  }
  return sums;
}
defineGauge({
  name: 'gateway_admission_queued',
  help: 'Client operations waiting for an execution slot, by lane.',
  labelNames: ['lane'],
  collect() {
    // Reset first: a closed gate's lanes must not keep their last counts.
    this.reset();
    for (const [lane, count] of sumOver((gauges) => gauges.queued)) this.set({ lane }, count);
  },
});
defineGauge({
  name: 'gateway_admission_in_flight',
  help: 'Client operations executing, by lane.',
  labelNames: ['lane'],
  collect() {
    this.reset();
    for (const [lane, count] of sumOver((gauges) => gauges.inFlight)) this.set({ lane }, count);
  },
});

/** An operation admitted in `lane` after waiting `seconds` (0: a slot was free). */
export function recordAdmitted(lane: string, seconds: number): void {
  admitted.inc({ lane });
  queueWait.observe({ lane }, seconds);
}

/** An operation refused in `lane` for `reason`. */
export function recordAdmissionRefused(lane: string, reason: string): void {
  refused.inc({ lane, reason });
}

/** Reports a gate's counts at every scrape until the returned removal is called. */
export function watchAdmission(read: () => AdmissionGauges): () => void {
  return gates.add(read);
}
