import { AdmissionGate, DEFAULT_ADMISSION_LIMITS, type Admission, type AdmissionLimits, type Lane } from './admission';
import { operationLane } from './operation-lane';

/** A gate whose clock the test moves; waits expire through Jest's fake timers, so nothing here sleeps. */
function gate(limits: Partial<AdmissionLimits> = {}): { gate: AdmissionGate; advance(ms: number): void } {
  let now = 0;
  const built = new AdmissionGate({ maxInFlight: 2, maxQueued: 2, maxQueueWaitMs: 1_000, writeReserve: 0, ...limits }, () => now);
  return {
    gate: built,
    advance(ms) {
      now += ms;
      jest.advanceTimersByTime(ms);
    },
  };
}

/** The admission a request got, asserting it was admitted. */
async function admitted(pending: Promise<Admission>): Promise<Extract<Admission, { admitted: true }>> {
  const admission = await pending;
  if (!admission.admitted) throw new Error(`expected an admission, got a refusal (${admission.reason})`);
  return admission;
}

/** Records into `order` the order in which pending requests settle, and how. */
function settleOrder(entries: [string, Promise<Admission>][], order: string[] = []): string[] {
  for (const [name, pending] of entries) void pending.then((admission) => order.push(`${name}:${admission.admitted ? 'in' : admission.reason}`));
  return order;
}

/** Lets settled promises run their callbacks. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'performance'] });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('admission gate', () => {
  it('admits up to the in-flight bound at once, then queues up to the queue bound, then refuses', async () => {
    const { gate: g } = gate();
    await admitted(g.acquire('read'));
    await admitted(g.acquire('read'));
    const order = settleOrder([
      ['a', g.acquire('read')],
      ['b', g.acquire('read')],
    ]);
    const refused = await g.acquire('read');
    expect(refused).toEqual({ admitted: false, reason: 'queue_full', retryAfterSeconds: 1 });
    expect(g.state()).toEqual({ inFlight: { read: 2, write: 0 }, queued: { read: 2, write: 0 } });
    await flush();
    expect(order).toEqual([]);
  });

  it('hands freed slots to waiting requests first in, first out, with the time they waited', async () => {
    const { gate: g, advance } = gate({ maxQueued: 3 });
    const first = await admitted(g.acquire('read'));
    const second = await admitted(g.acquire('read'));
    const a = g.acquire('read');
    const order = settleOrder([
      ['a', a],
      ['b', g.acquire('read')],
      ['c', g.acquire('read')],
    ]);
    advance(100);
    first.release();
    await flush();
    expect(order).toEqual(['a:in']);
    expect(await a).toMatchObject({ admitted: true, waitedMs: 100 });
    second.release();
    await flush();
    expect(order).toEqual(['a:in', 'b:in']);
    expect(g.state()).toEqual({ inFlight: { read: 2, write: 0 }, queued: { read: 1, write: 0 } });
  });

  it('refuses a request whose wait runs out, and never admits it later', async () => {
    const { gate: g, advance } = gate({ maxInFlight: 1, maxQueued: 1, maxQueueWaitMs: 500 });
    const running = await admitted(g.acquire('write'));
    const order = settleOrder([['late', g.acquire('write')]]);
    advance(499);
    await flush();
    expect(order).toEqual([]);
    advance(1);
    await flush();
    expect(order).toEqual(['late:wait_expired']);
    running.release();
    expect(g.state()).toEqual({ inFlight: { read: 0, write: 0 }, queued: { read: 0, write: 0 } });
  });

  it('gives the slot back once per admission, also when the operation failed', async () => {
    const { gate: g } = gate({ maxInFlight: 1, maxQueued: 1 });
    const run = async (lane: Lane, work: () => Promise<void>) => {
      const admission = await admitted(g.acquire(lane));
      try {
        await work();
      } finally {
        admission.release();
      }
    };
    await expect(run('write', () => Promise.reject(new Error('subgraph down')))).rejects.toThrow('subgraph down');
    const next = await admitted(g.acquire('write'));
    next.release();
    next.release();
    expect(g.state().inFlight).toEqual({ read: 0, write: 0 });
    // The double release did not create a second slot: one admission fills the gate again.
    await admitted(g.acquire('read'));
    const queued = g.acquire('read');
    expect(g.state()).toEqual({ inFlight: { read: 1, write: 0 }, queued: { read: 1, write: 0 } });
    void queued;
  });

  it('keeps the write reserve out of reach of reads, and serves waiting writes before waiting reads', async () => {
    const { gate: g } = gate({ maxInFlight: 3, writeReserve: 1, maxQueued: 4 });
    const reads = [await admitted(g.acquire('read')), await admitted(g.acquire('read'))];
    const order = settleOrder([['read-3', g.acquire('read')]]);
    await flush();
    expect(order).toEqual([]);
    // The reserved slot is still free for a mutation that arrives after the waiting read.
    const write = await admitted(g.acquire('write'));
    settleOrder(
      [
        ['write-2', g.acquire('write')],
        ['read-4', g.acquire('read')],
      ],
      order,
    );
    reads[0]?.release();
    await flush();
    expect(order).toEqual(['write-2:in']);
    // Two in flight of three: the free slot is the reserve, which no read may take.
    write.release();
    await flush();
    expect(order).toEqual(['write-2:in']);
    reads[1]?.release();
    await flush();
    expect(order).toEqual(['write-2:in', 'read-3:in']);
  });

  it('lets a mutation take the place of the newest waiting read when the queue is full', async () => {
    const { gate: g } = gate({ maxInFlight: 1, maxQueued: 2 });
    await admitted(g.acquire('read'));
    const order = settleOrder([
      ['read-old', g.acquire('read')],
      ['read-new', g.acquire('read')],
      ['write', g.acquire('write')],
    ]);
    await flush();
    expect(order).toEqual(['read-new:displaced']);
    expect(g.state().queued).toEqual({ read: 1, write: 1 });
    settleOrder([['write-2', g.acquire('write')]], order);
    await flush();
    expect(order).toEqual(['read-new:displaced', 'read-old:displaced']);
    // With only writes waiting, another write finds no read to displace and is refused.
    expect(await g.acquire('write')).toMatchObject({ admitted: false, reason: 'queue_full' });
    expect(g.state().queued).toEqual({ read: 0, write: 2 });
  });

  it('refuses at once with no queue, and tells clients to retry after one maximum wait in whole seconds', async () => {
    const { gate: g } = gate({ maxInFlight: 1, maxQueued: 0, maxQueueWaitMs: 1_500 });
    await admitted(g.acquire('write'));
    expect(await g.acquire('write')).toEqual({ admitted: false, reason: 'queue_full', retryAfterSeconds: 2 });
  });

  it('refuses limits that cannot work, naming the limit', () => {
    expect(() => new AdmissionGate({ ...DEFAULT_ADMISSION_LIMITS, maxInFlight: 0 })).toThrow(/maxInFlight must be a whole number of at least 1, but got: 0/);
    expect(() => new AdmissionGate({ ...DEFAULT_ADMISSION_LIMITS, maxQueueWaitMs: 0.5 })).toThrow(/maxQueueWaitMs/);
    expect(() => new AdmissionGate({ ...DEFAULT_ADMISSION_LIMITS, maxInFlight: 4, writeReserve: 4 })).toThrow(
      /writeReserve \(4\) must be below maxInFlight \(4\)/,
    );
  });
});

describe('operation lane', () => {
  it('sends mutations to the write lane and everything else to the read lane', () => {
    expect(operationLane({ query: 'mutation($k: String!) { authorizeReturn(input: {}, idempotencyKey: $k) { userErrors { code } } }' })).toBe('write');
    expect(operationLane({ query: '{ order(id: "o1") { id } }' })).toBe('read');
    expect(operationLane({ query: '# mutation in a comment\nquery { order(id: "mutation") { id } }' })).toBe('read');
    expect(operationLane({ query: 'mutation {' })).toBe('read');
    expect(operationLane('not json')).toBe('read');
    expect(operationLane([{ query: 'mutation { a }' }])).toBe('read');
  });

  it('picks the named operation of a document that holds a query and a mutation', () => {
    const query = 'query Look { order(id: "o1") { id } } mutation Take { cancelReturn(input: {}, idempotencyKey: "k") { userErrors { code } } }';
    expect(operationLane({ query, operationName: 'Take' })).toBe('write');
    expect(operationLane({ query, operationName: 'Look' })).toBe('read');
    expect(operationLane({ query })).toBe('read');
  });
});
