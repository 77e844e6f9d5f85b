import fc from 'fast-check';
import { parse, type ExecutionResult, type OperationDefinitionNode } from 'graphql';
import { canSeeUpdate, type Principal, type Role } from '../../platform/auth';
import { InProcessFanout, type UpdateNotice } from '../../platform/events/fanout';
import { cursorPosition } from '../../platform/events/update-log';
import type { StreamDefinition } from '../../platform/events/streams';
import { SubscriptionHub, type ExecuteAs } from './hub';
import { planSubscription, type PlannedSubscription } from './rewrite';

/**
 * Resolving per audience class, not per person: for random principals of the realistic mix
 * (customers, store staff, partner users, the back office, mixed roles) on random subscriptions,
 * and random events (republished duplicates among them), every subscriber receives exactly what
 * resolving its OWN principal alone would give — same updates, same order, none extra, none
 * missing, none twice. The graph is a deterministic function of the principal's fields here
 * (everything but the subject, as every query resolver reads it: audience.ts); the real graph is
 * exercised in test/subscriptions-audience.e2e.test.ts.
 */

const RETURNS: StreamDefinition = {
  field: 'returnStatusChanged',
  source: 'returns',
  eventTypes: ['ReturnAuthorized', 'ReturnItemsReceived'],
  one: 'returnStatusUpdate',
  page: 'returnStatusUpdatePage',
  filters: ['returnId', 'orderId', 'channel', 'storeId'],
};
const REFUNDS: StreamDefinition = {
  field: 'refundUpdated',
  source: 'refunds',
  eventTypes: ['RefundSucceeded'],
  one: 'refundUpdate',
  page: 'refundUpdatePage',
  filters: ['orderId', 'returnId'],
};
const STREAMS = [RETURNS, REFUNDS];

const CUSTOMERS = ['cus_1', 'cus_2', 'cus_3'];
const PARTNERS = ['par_1', 'par_2'];
const STORES = ['sto_1', 'sto_2', 'sto_3'];
const RETURN_IDS = ['ret_1', 'ret_2'];
const ORDER_IDS = ['ord_1', 'ord_2'];

/** A principal of the realistic mix; subjects are made distinct afterwards. */
const principalArb: fc.Arbitrary<Omit<Principal, 'subject'>> = fc.oneof(
  fc.constantFrom(...CUSTOMERS).map((customerId) => ({ roles: ['customer' as Role], customerId, storeIds: [] })),
  fc
    .record({ role: fc.constantFrom<Role>('store_associate', 'store_manager'), stores: fc.subarray(STORES, { minLength: 1 }) })
    .map(({ role, stores }) => ({ roles: [role], storeIds: stores })),
  fc.constantFrom(...PARTNERS).map((partnerId) => ({ roles: ['marketplace_partner' as Role], partnerId, storeIds: [] })),
  fc.constantFrom<Role>('operations_admin', 'finance', 'service_desk').map((role) => ({ roles: [role], storeIds: [] })),
  // Mixed and odd tokens: several roles in any order, a customer role without its id, repeated stores.
  fc
    .record({
      roles: fc.shuffledSubarray(['customer', 'marketplace_partner', 'store_associate', 'finance'] as Role[], { minLength: 1 }),
      customerId: fc.option(fc.constantFrom(...CUSTOMERS), { nil: undefined }),
      partnerId: fc.option(fc.constantFrom(...PARTNERS), { nil: undefined }),
      storeIds: fc.array(fc.constantFrom(...STORES), { maxLength: 3 }),
    })
    .map((principal) => principal),
);

/** A subscription: a stream and some of its filters. */
const subscriptionArb = fc.record({
  stream: fc.constantFrom(...STREAMS),
  returnId: fc.option(fc.constantFrom(...RETURN_IDS), { nil: undefined }),
  orderId: fc.option(fc.constantFrom(...ORDER_IDS), { nil: undefined }),
  storeId: fc.option(fc.constantFrom(...STORES), { nil: undefined }),
});

/** An event: source, type (one no stream serves among them), owners and ids. */
const eventArb = fc.record({
  source: fc.constantFrom('returns', 'refunds'),
  type: fc.constantFrom('ReturnAuthorized', 'ReturnItemsReceived', 'RefundSucceeded', 'ReturnCanceled'),
  customerId: fc.constantFrom(...CUSTOMERS),
  partnerId: fc.option(fc.constantFrom(...PARTNERS), { nil: undefined }),
  storeId: fc.option(fc.constantFrom(...STORES), { nil: undefined }),
  returnId: fc.constantFrom(...RETURN_IDS),
  orderId: fc.constantFrom(...ORDER_IDS),
  /** Published again right after (a republish after the bus lost events): delivered once. */
  repeated: fc.boolean(),
});

function plan(subscription: SubscriptionSpec): PlannedSubscription {
  const { stream } = subscription;
  const args = stream.filters
    .map((name) => [name, (subscription as unknown as Record<string, unknown>)[name]] as const)
    .filter(([, value]) => typeof value === 'string')
    .map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
  const document = parse(`subscription { ${stream.field}${args.length ? `(${args.join(', ')})` : ''} { cursor } }`);
  return planSubscription(document, document.definitions[0] as OperationDefinitionNode, {}, (field) => STREAMS.find((each) => each.field === field));
}

type SubscriptionSpec = { stream: StreamDefinition; returnId?: string; orderId?: string; storeId?: string };

/**
 * The graph as a function of the principal and the event: null when the principal may not see it
 * (as the subgraph answers), else a view that differs with every principal field the read side
 * uses — roles as a set, customer, partner, and the stores it holds among the event's.
 */
function answer(principal: Principal, notice: UpdateNotice, responseKey: string): ExecutionResult {
  if (!canSeeUpdate(principal, notice.data)) return { data: { [responseKey]: null } };
  const roles = [...new Set(principal.roles)].sort();
  // A field only the back office sees, and one that depends on the caller's own stores.
  const staffNote = roles.includes('operations_admin') || roles.includes('finance') ? `note-${notice.position}` : null;
  const atMyStore = typeof notice.data.storeId === 'string' && principal.storeIds.includes(notice.data.storeId);
  return {
    data: {
      [responseKey]: {
        position: notice.position,
        roles,
        customerId: principal.customerId ?? null,
        partnerId: principal.partnerId ?? null,
        staffNote,
        atMyStore,
      },
    },
  };
}

/** What one subscriber alone would receive: the matching, visible, non-null updates, each position once, in publish order. */
function expectedFor(principal: Principal, planned: PlannedSubscription, notices: UpdateNotice[]): unknown[] {
  const out: unknown[] = [];
  let last = 0;
  for (const notice of notices) {
    if (notice.source !== planned.stream.source || !planned.stream.eventTypes.includes(notice.type)) continue;
    if (!Object.entries(planned.filters).every(([name, value]) => notice.data[name] === value)) continue;
    if (!canSeeUpdate(principal, notice.data)) continue;
    const payload = answer(principal, notice, planned.responseKey).data?.[planned.responseKey];
    if (payload === null || notice.position <= last) continue;
    last = notice.position;
    out.push(payload);
  }
  return out;
}

/** Drains a member's queue after the hub stopped (ended iterators still yield what they queued). */
async function drain(iterator: AsyncIterableIterator<ExecutionResult>, responseKey: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done) return out;
    out.push(next.value.data?.[responseKey]);
  }
}

/** Waits until every resolution the hub started has finished (the fake counts them). */
async function settled(inFlight: () => number): Promise<void> {
  let quiet = 0;
  while (quiet < 3) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    quiet = inFlight() === 0 ? quiet + 1 : 0;
  }
}

describe('audience classes', () => {
  it('gives every subscriber exactly what resolving its own principal alone gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ principal: principalArb, subscription: subscriptionArb }), { minLength: 1, maxLength: 25 }),
        fc.array(eventArb, { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        async (subscribers, events, concurrency) => {
          const positions: Record<string, number> = { returns: 0, refunds: 0 };
          const notices: UpdateNotice[] = [];
          for (const { repeated, source, type, ...data } of events) {
            positions[source] = (positions[source] ?? 0) + 1;
            const notice: UpdateNotice = { source, type, position: positions[source] as number, aggregateId: data.returnId, data: { ...data } };
            notices.push(notice);
            if (repeated) notices.push(notice);
          }
          const bySourcePosition = new Map(notices.map((notice) => [`${notice.source}:${notice.position}`, notice]));
          let inFlight = 0;
          const executeAs: ExecuteAs = async (query, variables, principal) => {
            inFlight += 1;
            try {
              const source = query.includes('refundUpdate') ? 'refunds' : 'returns';
              const notice = bySourcePosition.get(`${source}:${cursorPosition(source, String(variables.__cursor))}`) as UpdateNotice;
              // Resolutions of different groups finish out of order: each group must still deliver in log order.
              await new Promise((resolve) => setTimeout(resolve, (notice.position * 7 + principal.roles.length) % 3));
              return answer(principal, notice, query.includes('refundUpdated') ? 'refundUpdated' : 'returnStatusChanged');
            } finally {
              inFlight -= 1;
            }
          };
          const fanout = new InProcessFanout();
          const hub = new SubscriptionHub(fanout, executeAs, { concurrentResolutions: concurrency });
          await hub.start();
          const members = subscribers.map(({ principal, subscription }, i) => {
            const own: Principal = { subject: `user:${i}`, ...principal };
            const planned = plan(subscription);
            return { own, planned, iterator: hub.subscribe(planned, own) };
          });
          await fanout.publish(notices);
          await settled(() => inFlight);
          await hub.stop();
          await fanout.close();
          for (const { own, planned, iterator } of members) {
            expect(await drain(iterator, planned.responseKey)).toEqual(expectedFor(own, planned, notices));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('resolves an update once for every associate of one store, and once per customer', async () => {
    const calls: Principal[] = [];
    const fanout = new InProcessFanout();
    const hub = new SubscriptionHub(fanout, async (query, variables, principal) => {
      calls.push(principal);
      return { data: { returnStatusChanged: { cursor: variables.__cursor } } };
    });
    await hub.start();
    const planned = plan({ stream: RETURNS });
    const associates = Array.from({ length: 50 }, (_, i) =>
      hub.subscribe(planned, { subject: `user:assoc-${i}`, roles: ['store_associate'], storeIds: ['sto_1'] }),
    );
    const customers = CUSTOMERS.map((customerId) => hub.subscribe(planned, { subject: `user:${customerId}`, roles: ['customer'], customerId, storeIds: [] }));
    await fanout.publish([{ source: 'returns', position: 1, type: 'ReturnAuthorized', aggregateId: 'ret_1', data: { customerId: 'cus_1', storeId: 'sto_1' } }]);
    for (const iterator of [...associates, customers[0] as AsyncIterableIterator<ExecutionResult>]) expect((await iterator.next()).done).toBe(false);
    // One class of 50 associates and the event's own customer: two resolutions, not 51; other customers none.
    expect(calls.map((principal) => principal.roles[0]).sort()).toEqual(['customer', 'store_associate']);
    await hub.stop();
    await fanout.close();
  });
});
