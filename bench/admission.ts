import { returnableOrderInput, UNITS_PER_ORDER } from './returnable-order';
import { randomUUID } from 'node:crypto';
import { ClientTokenVerifier, signClientToken, type Principal } from '../platform/auth';
import { startGateway, type RunningGateway } from '../gateway';
import { DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from '../gateway/admission';
import { startBenchGraph, type BenchGraph } from './support';
import type { BenchSettings } from './settings';

/**
 * Admission control under overload: `authorizeReturn` offered at about twice what the graph
 * sustains, at a fixed rate whatever the answers (an open loop, as tills do not wait for each
 * other), once through a gateway with the default admission limits and once through a gateway on
 * the same registry and subgraphs whose limits are too large to matter. With admission the latency
 * of completed requests stays bounded and the excess is refused quickly; without, every request is
 * accepted and waits, and the wait grows for as long as the overload lasts.
 */

/** Limits so large that admission never refuses: the "before" gateway. */
const ADMISSION_OFF: AdmissionLimits = { maxInFlight: 10_000, maxQueued: 100_000, maxQueueWaitMs: 60_000, writeReserve: 0 };
/** Closed-loop concurrency that measures the sustainable rate: as bench/returns.ts, enough to keep two cores busy. */
const CALIBRATION_CONCURRENCY = 16;
/** Seconds of each phase: a short run (the lead runs longer ones alone on the machine). The warm-up's rate is not used: query plans, pools and JIT warm. */
const WARM_UP_SECONDS = 2;
const CALIBRATION_SECONDS = 3;
const OVERLOAD_SECONDS = 5;
/** Offered load as a multiple of the sustainable rate. */
const OVERLOAD_FACTOR = 2;
/** Requests are sent in batches at this interval, so the offered rate holds even when the timer is late. */
const TICK_MS = 10;
/** Units per order, each returned once: a customer's fifth return would be declined by fraud screening. */
/** recordOrder calls at once while preparing (how many orders: from the calibrated rate). */
const SETUP_CONCURRENCY = 8;
/** How long the orders' snapshots may take to reach returns. */
const SNAPSHOT_WAIT_MS = 120_000;

const AUTHORIZE = `mutation($input: AuthorizeReturnInput!, $key: String!) { authorizeReturn(input: $input, idempotencyKey: $key) {
  return { id status } userErrors { code } } }`;
const RECORD = `mutation($input: RecordOrderInput!, $key: String!) { recordOrder(input: $input, idempotencyKey: $key) { order { id lines { id } } userErrors { code } } }`;

interface Unit {
  orderId: string;
  lineId: string;
}

/** What one request came back as, and when. */
interface Outcome {
  kind: 'authorized' | 'refused' | 'other';
  ms: number;
}

async function post(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Records `count` orders, each its own customer, and returns one unit per future request (`UNITS_PER_ORDER` per order). */
async function prepareUnits(bench: BenchGraph, url: string, serviceToken: string, count: number): Promise<Unit[]> {
  const units: Unit[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const input = returnableOrderInput('adm', i, `cus_adm_${i}_${randomUUID().slice(0, 8)}`, `adm-${i}-${randomUUID()}`);
      const { body } = await post(url, serviceToken, RECORD, { input, key: `adm-order-${randomUUID()}` });
      const order = ((body.data as Record<string, unknown> | undefined)?.recordOrder as { order: { id: string; lines: { id: string }[] } | null } | undefined)
        ?.order;
      if (!order?.lines[0]) throw new Error(`recordOrder failed: ${JSON.stringify(body)}`);
      for (let u = 0; u < UNITS_PER_ORDER; u++) units.push({ orderId: order.id, lineId: order.lines[0].id });
    }
  };
  await Promise.all(Array.from({ length: SETUP_CONCURRENCY }, worker));
  const deadline = Date.now() + SNAPSHOT_WAIT_MS;
  for (;;) {
    const { rows } = await bench.db.query<{ missing: number }>(
      `SELECT (SELECT count(*) FROM orders.orders) - (SELECT count(*) FROM returns.order_snapshots) AS missing`,
    );
    if (Number(rows[0]?.missing) === 0) break;
    if (Date.now() > deadline) throw new Error(`returns still misses ${rows[0]?.missing} order snapshots after ${SNAPSHOT_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Interleave orders, so consecutive requests hit different orders, as at many tills.
  return units
    .map((unit, i) => ({ unit, key: (i % UNITS_PER_ORDER) * count + Math.floor(i / UNITS_PER_ORDER) }))
    .sort((a, b) => a.key - b.key)
    .map(({ unit }) => unit);
}

/** One authorizeReturn of `unit` with a fresh key. */
async function authorizeOne(url: string, token: string, unit: Unit): Promise<Outcome> {
  const input = {
    orderId: unit.orderId,
    channel: 'POS',
    storeId: 'loc_store_nyc',
    lines: [{ orderLineId: unit.lineId, quantity: 1, reason: 'SIZE_TOO_LARGE' }],
  };
  const sent = performance.now();
  try {
    const { status, body } = await post(url, token, AUTHORIZE, { input, key: `till-${randomUUID()}` });
    const ms = performance.now() - sent;
    if (status === 503) return { kind: 'refused', ms };
    const payload = (body.data as Record<string, unknown> | undefined)?.authorizeReturn as { return: { status: string } | null } | undefined;
    return { kind: payload?.return?.status === 'AUTHORIZED' ? 'authorized' : 'other', ms };
  } catch {
    return { kind: 'other', ms: performance.now() - sent };
  }
}

/** Closed loop: `CALIBRATION_CONCURRENCY` tills back to back for `seconds`; the authorized rate per second. */
async function sustainableRate(url: string, token: string, units: Unit[], seconds: number): Promise<number> {
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let authorized = 0;
  await Promise.all(
    Array.from({ length: CALIBRATION_CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const unit = units.pop();
        if (!unit) throw new Error('the admission bench ran out of prepared units while calibrating');
        if ((await authorizeOne(url, token, unit)).kind === 'authorized') authorized++;
      }
    }),
  );
  return authorized / ((performance.now() - started) / 1000);
}

/** Open loop: `rate` requests per second for `seconds`, whatever the answers; every request's outcome once all are answered. */
async function offer(url: string, token: string, units: Unit[], rate: number, seconds: number): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const total = Math.round(rate * seconds);
  const pending: Promise<Outcome>[] = [];
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      // Catch up to where the schedule says we should be: a late tick sends more, the rate holds.
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (pending.length < due) {
        const unit = units.pop();
        if (!unit) {
          clearInterval(timer);
          reject(new Error('the admission bench ran out of prepared units'));
          return;
        }
        pending.push(authorizeOne(url, token, unit));
      }
      if (pending.length >= total) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  const outcomes = await Promise.all(pending);
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** One line of the table. */
function row(label: string, offered: number, run: { outcomes: Outcome[]; seconds: number }): string {
  const completed = run.outcomes.filter((o) => o.kind === 'authorized');
  const refused = run.outcomes.filter((o) => o.kind === 'refused');
  const other = run.outcomes.length - completed.length - refused.length;
  const latencies = completed.map((o) => o.ms).sort((a, b) => a - b);
  const refusedLatencies = refused.map((o) => o.ms).sort((a, b) => a - b);
  const cells = [
    label.padEnd(34),
    String(Math.round(offered)).padStart(8),
    (completed.length / run.seconds).toFixed(0).padStart(10),
    (refused.length / run.seconds).toFixed(0).padStart(9),
    String(Math.round(percentile(latencies, 50))).padStart(8),
    String(Math.round(percentile(latencies, 99))).padStart(8),
    String(Math.round(percentile(refusedLatencies, 50))).padStart(12),
    String(other).padStart(6),
  ];
  return `${cells.join(' ')}\n`;
}

/** `npm run bench -- admission`. */
export async function benchAdmission(settings: BenchSettings): Promise<void> {
  const bench = await startBenchGraph(settings.adminUrl, { admission: DEFAULT_ADMISSION_LIMITS });
  let unlimited: RunningGateway | undefined;
  try {
    unlimited = await startGateway({
      registryUrl: bench.graph.registry.url,
      registryToken: bench.registryToken,
      port: 0,
      verifier: await ClientTokenVerifier.fromPublicJwk(bench.keys.publicJwk),
      internalTokens: bench.internalTokens,
      admission: ADMISSION_OFF,
    });
    await unlimited.ready;
    const admitted = `${bench.graph.gateway.url}/graphql`;
    const manager: Principal = { subject: 'bench:manager', roles: ['store_manager'], storeIds: ['loc_store_nyc'] };
    const token = await signClientToken(manager, bench.keys.privateJwk);
    const serviceToken = await signClientToken({ subject: 'bench:commerce', roles: ['service'], storeIds: [] }, bench.keys.privateJwk);

    // Calibrate on a small batch, then prepare exactly what both overload phases offer (with a margin).
    // Room for 400/s, three times what the 2-core machine does, so calibration never runs out.
    const calibrationUnits = await prepareUnits(bench, admitted, serviceToken, Math.ceil((400 * (WARM_UP_SECONDS + CALIBRATION_SECONDS)) / UNITS_PER_ORDER));
    await sustainableRate(admitted, token, calibrationUnits, WARM_UP_SECONDS);
    const sustainable = await sustainableRate(admitted, token, calibrationUnits, CALIBRATION_SECONDS);
    // The second gateway plans its queries on first use: warm it too, so both phases start alike.
    await sustainableRate(`${unlimited.url}/graphql`, token, calibrationUnits, 1);
    const rate = OVERLOAD_FACTOR * sustainable;
    const needed = Math.ceil((2 * rate * OVERLOAD_SECONDS * 1.1) / UNITS_PER_ORDER);
    const units = await prepareUnits(bench, admitted, serviceToken, needed);
    const countReturns = async () => Number((await bench.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM returns.returns`)).rows[0]?.n);
    const returnsBefore = await countReturns();

    const withAdmission = await offer(admitted, token, units, rate, OVERLOAD_SECONDS);
    const withoutAdmission = await offer(`${unlimited.url}/graphql`, token, units, rate, OVERLOAD_SECONDS);

    const limits = DEFAULT_ADMISSION_LIMITS;
    process.stdout.write(
      `\nauthorizeReturn at ${OVERLOAD_FACTOR}x the sustainable rate (${sustainable.toFixed(0)}/s, ${CALIBRATION_CONCURRENCY} in flight, closed loop), ${OVERLOAD_SECONDS} s open loop each\n`,
    );
    process.stdout.write(
      `${'gateway'.padEnd(34)} ${'offered/s'.padStart(8)} ${'completed/s'.padStart(10)} ${'refused/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'refusal p50'.padStart(12)} ${'other'.padStart(6)}\n`,
    );
    process.stdout.write(row(`admission ${limits.maxInFlight}/${limits.maxQueued}/${limits.maxQueueWaitMs}ms`, rate, withAdmission));
    process.stdout.write(row('admission off (limits too large)', rate, withoutAdmission));
    // Nothing accepted is lost: every AUTHORIZED answer is a return in the database, and nothing else is.
    const authorized = [withAdmission, withoutAdmission].reduce((sum, run) => sum + run.outcomes.filter((o) => o.kind === 'authorized').length, 0);
    const taken = (await countReturns()) - returnsBefore;
    process.stdout.write(`returns taken during the overload phases: ${taken}; AUTHORIZED answers: ${authorized}${taken === authorized ? '' : ' (MISMATCH)'}\n`);
  } finally {
    await unlimited?.close();
    await bench.close();
  }
}
