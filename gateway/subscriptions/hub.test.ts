import { parse, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../../platform/auth';
import { InProcessFanout } from '../../platform/events/fanout';
import { updateCursor } from '../../platform/events/update-log';
import type { StreamDefinition } from '../../platform/events/streams';
import { MAX_QUEUED_UPDATES, SubscriptionHub, type ExecuteAs } from './hub';
import { CURSOR_ALIAS, planSubscription } from './rewrite';

/**
 * The hub's catch-up against a scripted gateway: it follows scanned cursors to the end of the log
 * however many pages that takes, never ends with a silent gap, and recovers live updates it had to
 * drop while catching up. (The gateway's execution is replaced here; the hub's own logic is not.
 * End-to-end through PostgreSQL: test/subscriptions-positions.e2e.test.ts.)
 */
const operations: Principal = { subject: 'user:ops', roles: ['operations_admin'], storeIds: [] };
const SUBSCRIPTION = 'subscription($after: String) { returnStatusChanged(after: $after) { returnId } }';
/** Longest a test waits for the hub to deliver what it expects. */
const WAIT_MS = 5_000;

/** The stream as the returns subgraph publishes it to the registry. */
const RETURN_STATUS: StreamDefinition = {
  field: 'returnStatusChanged',
  source: 'returns',
  eventTypes: ['ReturnAuthorized', 'ReturnItemsReceived'],
  one: 'returnStatusUpdate',
  page: 'returnStatusUpdatePage',
  filters: ['returnId', 'orderId', 'channel', 'storeId'],
};

function plan(after: string) {
  const document = parse(SUBSCRIPTION);
  return planSubscription(document, document.definitions[0] as OperationDefinitionNode, { after }, (field) =>
    field === RETURN_STATUS.field ? RETURN_STATUS : undefined,
  );
}

/** A catch-up page of updates at `positions`, as the gateway answers the rewritten query. */
function page(positions: number[], endOfLog: boolean, scannedTo = positions.at(-1)): ExecutionResult {
  return {
    data: {
      returnStatusChanged: {
        updates: positions.map((position) => ({ returnId: `ret_${position}`, [CURSOR_ALIAS]: updateCursor('returns', position) })),
        scannedCursor: scannedTo === undefined ? null : updateCursor('returns', scannedTo),
        endOfLog,
      },
    },
  };
}

/** The position a live query asks for. */
const livePosition = (variables: Record<string, unknown>) => Number(Buffer.from(String(variables.__cursor), 'base64url').toString('utf8').split(':')[1]);
const liveResult = (position: number): ExecutionResult => ({ data: { returnStatusChanged: { returnId: `ret_${position}` } } });

/** Reads a subscription until it ends or `count` results arrived. */
async function collect(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const results: ExecutionResult[] = [];
  const deadline = Date.now() + WAIT_MS;
  while (results.length < count) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(0, deadline - Date.now()))));
    const next = await Promise.race([iterator.next(), timeout]);
    clearTimeout(timer);
    if (next === null) throw new Error(`${results.length} of ${count} results before the deadline`);
    if (next.done) break;
    results.push(next.value);
  }
  return results;
}

const returnIds = (results: ExecutionResult[]) => results.map((result) => (result.data?.returnStatusChanged as { returnId: string } | undefined)?.returnId);

let fanout: InProcessFanout;
let hub: SubscriptionHub | undefined;
beforeEach(() => {
  fanout = new InProcessFanout();
});
afterEach(async () => {
  await hub?.stop();
  await fanout.close();
});

async function startHub(executeAs: ExecuteAs): Promise<SubscriptionHub> {
  hub = new SubscriptionHub(fanout, executeAs);
  await hub.start();
  return hub;
}

describe('catch-up', () => {
  it('follows scanned cursors past twenty pages to the end of the log, then goes live', async () => {
    // 25 pages of 40 scanned events, one visible each: the hub used to stop after 20.
    const PAGES = 25;
    const SCANNED_PER_PAGE = 40;
    const afters: number[] = [];
    const running = await startHub(async (query, variables) => {
      if (query.startsWith('query RgLive')) return liveResult(livePosition(variables));
      const after = Number(Buffer.from(String(variables.__after), 'base64url').toString('utf8').split(':')[1]);
      afters.push(after);
      const index = afters.length;
      return page([after + 1], index === PAGES, after + SCANNED_PER_PAGE);
    });
    const iterator = running.subscribe(plan(updateCursor('returns', 0)), operations);
    const caughtUp = await collect(iterator, PAGES);
    expect(afters).toEqual(Array.from({ length: PAGES }, (_, i) => i * SCANNED_PER_PAGE));
    expect(returnIds(caughtUp)).toEqual(afters.map((after) => `ret_${after + 1}`));

    const next = PAGES * SCANNED_PER_PAGE + 1;
    await fanout.publish([{ source: 'returns', position: next, type: 'ReturnAuthorized', aggregateId: 'ret_x', data: {} }]);
    expect(returnIds(await collect(iterator, 1))).toEqual([`ret_${next}`]);
  });

  it('ends the subscription with CATCH_UP_FAILED when a page cannot be read, after what it delivered', async () => {
    let calls = 0;
    const running = await startHub(async () => {
      calls += 1;
      if (calls === 1) return page([5], false, 500);
      throw new Error('gateway unreachable');
    });
    const results = await collect(running.subscribe(plan(updateCursor('returns', 1)), operations), 3);
    expect(returnIds(results.slice(0, 1))).toEqual(['ret_5']);
    expect(results).toHaveLength(2);
    expect(results[1]?.errors?.[0]?.extensions?.code).toBe('CATCH_UP_FAILED');
    expect(results[1]?.errors?.[0]?.message).toMatch(/resume with the last cursor/);
  });

  it('reads to the end once more when live updates overflowed while it was catching up, and delivers each once in order', async () => {
    const LIVE = MAX_QUEUED_UPDATES + 5;
    const PAGE = 500;
    const PAGE_IO_MS = 20;
    let catchUps = 0;
    let releaseFirstPage!: () => void;
    const firstPageHeld = new Promise<void>((resolve) => (releaseFirstPage = resolve));
    const running = await startHub(async (query, variables) => {
      if (query.startsWith('query RgLive')) return liveResult(livePosition(variables));
      catchUps += 1;
      if (catchUps === 1) {
        await firstPageHeld;
        return page([1, 2], true);
      }
      // The log now holds everything that was published live meanwhile, read in pages as the
      // subgraph serves them, each after some I/O (the client reads meanwhile).
      await new Promise((resolve) => setTimeout(resolve, PAGE_IO_MS));
      const from = 3 + (catchUps - 2) * PAGE;
      const positions = Array.from({ length: Math.min(PAGE, 3 + LIVE - from) }, (_, i) => from + i);
      return page(positions, from + PAGE >= 3 + LIVE);
    });
    const iterator = running.subscribe(plan(updateCursor('returns', 0)), operations);
    // While the first page is being read, more live updates arrive than the buffer holds.
    await fanout.publish(
      Array.from({ length: LIVE }, (_, i) => ({ source: 'returns', position: 3 + i, type: 'ReturnAuthorized', aggregateId: `ret_${3 + i}`, data: {} })),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    releaseFirstPage();

    const results = await collect(iterator, LIVE + 2);
    // The first page said "end of log" but live updates had been dropped: three more pages follow.
    expect(catchUps).toBe(1 + Math.ceil(LIVE / PAGE));
    expect(returnIds(results)).toEqual(Array.from({ length: LIVE + 2 }, (_, i) => `ret_${1 + i}`));
    expect(results.some((result) => result.errors)).toBe(false);
  });
});
