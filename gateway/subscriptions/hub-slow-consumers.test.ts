import { parse, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../../platform/auth';
import { InProcessFanout, type UpdateNotice } from '../../platform/events/fanout';
import { cursorPosition } from '../../platform/events/update-log';
import type { StreamDefinition } from '../../platform/events/streams';
import { MAX_QUEUED_UPDATES, SubscriptionHub, type ExecuteAs } from './hub';
import { planSubscription } from './rewrite';

/**
 * Slow consumers are isolated: a subscriber that never reads fills its own bounded queue and is
 * ended, while another subscriber of the same group receives every update; a group whose
 * resolution hangs holds one resolution slot, while other groups go on. Delivery is asserted,
 * not timing.
 */
const RETURN_STATUS: StreamDefinition = {
  field: 'returnStatusChanged',
  source: 'returns',
  eventTypes: ['ReturnAuthorized'],
  one: 'returnStatusUpdate',
  page: 'returnStatusUpdatePage',
  filters: ['returnId', 'orderId', 'channel', 'storeId'],
};
const associate = (n: number): Principal => ({ subject: `user:assoc-${n}`, roles: ['store_associate'], storeIds: ['sto_1'] });
const customer: Principal = { subject: 'user:cus_1', roles: ['customer'], customerId: 'cus_1', storeIds: [] };

function livePlan() {
  const document = parse('subscription { returnStatusChanged { returnId } }');
  return planSubscription(document, document.definitions[0] as OperationDefinitionNode, {}, (field) =>
    field === RETURN_STATUS.field ? RETURN_STATUS : undefined,
  );
}

const notices = (count: number): UpdateNotice[] =>
  Array.from({ length: count }, (_, i) => ({
    source: 'returns',
    position: i + 1,
    type: 'ReturnAuthorized',
    aggregateId: `ret_${i + 1}`,
    data: { customerId: 'cus_1', storeId: 'sto_1' },
  }));

const positionOf = (variables: Record<string, unknown>) => cursorPosition('returns', String(variables.__cursor));
const result = (position: number): ExecutionResult => ({ data: { returnStatusChanged: { returnId: `ret_${position}` } } });

/** Reads `count` results as they come (a fast client). */
async function read(iterator: AsyncIterableIterator<ExecutionResult>, count: number): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  while (out.length < count) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

let fanout: InProcessFanout;
let hub: SubscriptionHub | undefined;
beforeEach(() => {
  fanout = new InProcessFanout();
});
afterEach(async () => {
  await hub?.stop();
  await fanout.close();
});

describe('slow consumers', () => {
  it('delivers every update to a reading subscriber while a never-reading one of the same group fills its queue and is ended', async () => {
    const N = MAX_QUEUED_UPDATES + 50;
    hub = new SubscriptionHub(fanout, async (_query, variables) => result(positionOf(variables)));
    await hub.start();
    const slow = hub.subscribe(livePlan(), associate(1));
    const fast = hub.subscribe(livePlan(), associate(2));
    const reading = read(fast, N);
    await fanout.publish(notices(N));
    const received = await reading;
    expect(received.map((each) => (each.data?.returnStatusChanged as { returnId: string }).returnId)).toEqual(
      Array.from({ length: N }, (_, i) => `ret_${i + 1}`),
    );
    // The slow one got what its queue holds, then SUBSCRIBER_TOO_SLOW, and no more.
    const queued: ExecutionResult[] = [];
    for (let next = await slow.next(); !next.done; next = await slow.next()) queued.push(next.value);
    expect(queued).toHaveLength(MAX_QUEUED_UPDATES + 1);
    expect(queued.at(-1)?.errors?.[0]?.extensions?.code).toBe('SUBSCRIBER_TOO_SLOW');
    expect(hub.size()).toBe(1);
  });

  it('goes on resolving other groups while one group’s resolution hangs', async () => {
    const N = 20;
    let release!: () => void;
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const executeAs: ExecuteAs = async (_query, variables, principal) => {
      if (principal.roles.includes('store_associate')) await hanging;
      return result(positionOf(variables));
    };
    hub = new SubscriptionHub(fanout, executeAs, { concurrentResolutions: 2 });
    await hub.start();
    const stuck = hub.subscribe(livePlan(), associate(1));
    const other = hub.subscribe(livePlan(), customer);
    await fanout.publish(notices(N));
    expect(await read(other, N)).toHaveLength(N);
    // Released, the hanging group delivers its updates too, in log order.
    release();
    const late = await read(stuck, N);
    expect(late.map((each) => (each.data?.returnStatusChanged as { returnId: string }).returnId)).toEqual(Array.from({ length: N }, (_, i) => `ret_${i + 1}`));
  });
});
