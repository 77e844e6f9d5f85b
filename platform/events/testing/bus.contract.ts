import type { EventBus } from '../bus';
import { idsOf, Recorder, sleep, testEvents, waitFor } from './bus-kit';

/** Longest wait for a delivery that should happen "now": generous for two shared CPU cores. */
const DELIVERY_TIMEOUT_MS = 5_000;
/**
 * Longest wait for a redelivery after a rejection: in-process retries after REDELIVERY_DELAY_MS
 * (1 s); Redis reclaims after the bus's `reclaimIdleMs` (the suite's Redis bus uses 300 ms).
 */
const REDELIVERY_TIMEOUT_MS = 8_000;
/** How long "nothing more arrives" is watched: several Redis read/reclaim rounds at test settings. */
const SETTLE_MS = 400;

/**
 * The behaviour every `EventBus` adapter must show, run by `bus.test.ts` over the in-process bus
 * and the Redis bus alike (one contract, all implementations), so the relay and the consumer
 * runtime can rely on it whichever bus runs underneath.
 *
 * `makeBus` returns a bus with memory of its own (Redis: a fresh key prefix). The suite closes
 * every bus it made after each test; the caller removes what a bus leaves outside the process.
 *
 * Where the adapters knowingly differ, the suite asserts only what they share:
 * - A group's FIRST subscription: Redis creates the group at the stream's start, so it also gets
 *   events published before any member of that group ever subscribed; the in-process bus only
 *   queues events for groups that exist. (Both deliver events published while an existing group
 *   has no member — asserted below.)
 * - After a rejection, the in-process bus holds the group's queue and redelivers the rejected
 *   event first (order kept); Redis leaves it pending and goes on with later entries, redelivering
 *   it when the bus reclaims idle entries. Only "redelivered, nothing lost" is asserted; the
 *   consumer runtime keeps per-aggregate order itself.
 * - How two members of a group split the work: round-robin in-process, read batches on Redis (one
 *   member may take them all). Only "each event to exactly one member" is asserted.
 * - `epoch()` across instances: Redis instances on one prefix share it; each in-process bus is its
 *   own memory. Only stability within one instance is asserted.
 */
export function describeBusContract(name: string, makeBus: () => Promise<EventBus>): void {
  describe(`EventBus contract: ${name}`, () => {
    const opened: EventBus[] = [];
    let groupCounter = 0;
    /** A consumer name no other test uses, so groups never leak between tests. */
    const group = (label: string) => `contract.${label}.${++groupCounter}`;
    const open = async () => {
      const bus = await makeBus();
      opened.push(bus);
      return bus;
    };

    afterEach(async () => {
      await Promise.all(opened.splice(0).map((bus) => bus.close().catch(() => undefined)));
    });

    it('delivers published events to a subscriber in publish order, one at a time', async () => {
      const bus = await open();
      const recorder = new Recorder(() => sleep(1));
      await bus.subscribe(group('order'), recorder.handler);
      const batches = [testEvents(7), testEvents(1), testEvents(12)];
      for (const batch of batches) await bus.publish(batch);
      const expected = idsOf(batches.flat());

      await waitFor('all 20 events', () => recorder.received.length >= expected.length, DELIVERY_TIMEOUT_MS);
      expect(recorder.ids()).toEqual(expected);
      expect(recorder.maxConcurrent).toBe(1);
    });

    it('gives every consumer group every event exactly once', async () => {
      const bus = await open();
      const recorders = [new Recorder(), new Recorder(), new Recorder()];
      for (const [index, recorder] of recorders.entries()) await bus.subscribe(group(`fanout${index}`), recorder.handler);
      const events = testEvents(30);
      await bus.publish(events.slice(0, 10));
      await bus.publish(events.slice(10));

      await waitFor('every group has 30 events', () => recorders.every((recorder) => recorder.received.length >= 30), DELIVERY_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      for (const recorder of recorders) expect(recorder.ids()).toEqual(idsOf(events));
    });

    it('shares a group between its members: each event reaches exactly one member', async () => {
      const bus = await open();
      const shared = group('shared');
      const first = new Recorder(() => sleep(2));
      const second = new Recorder(() => sleep(2));
      await bus.subscribe(shared, first.handler);
      await bus.subscribe(shared, second.handler);
      const events = testEvents(40);
      for (let i = 0; i < events.length; i += 8) await bus.publish(events.slice(i, i + 8));

      const total = () => first.received.length + second.received.length;
      await waitFor('40 events across both members', () => total() >= 40, DELIVERY_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      const all = [...first.ids(), ...second.ids()];
      expect(all).toHaveLength(40);
      expect(new Set(all)).toEqual(new Set(idsOf(events)));
      // Each member still sees its share in publish order.
      const position = new Map(idsOf(events).map((id, index) => [id, index]));
      for (const member of [first, second]) {
        const positions = member.ids().map((id) => position.get(id) as number);
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }
    });

    it('redelivers an event whose handler rejected, and loses nothing published after it', async () => {
      const bus = await open();
      const events = testEvents(10);
      const poison = events[3]?.envelope.id;
      const attempts = new Map<string, number>();
      const recorder = new Recorder((event) => {
        const count = (attempts.get(event.envelope.id) ?? 0) + 1;
        attempts.set(event.envelope.id, count);
        // "The database is down" for the first try of one event only.
        if (event.envelope.id === poison && count === 1) throw new Error('database unreachable');
      });
      await bus.subscribe(group('redeliver'), recorder.handler);
      await bus.publish(events);

      await waitFor('all 10 events handled', () => recorder.received.length >= 10, REDELIVERY_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      expect(attempts.get(poison as string)).toBe(2);
      expect(recorder.ids()).toHaveLength(10);
      expect(new Set(recorder.ids())).toEqual(new Set(idsOf(events)));
    });

    it('delivers events published while a group has no member to its next member', async () => {
      const bus = await open();
      const name = group('gap');
      const before = new Recorder();
      const subscription = await bus.subscribe(name, before.handler);
      const early = testEvents(3);
      await bus.publish(early);
      await waitFor('the first member gets 3 events', () => before.received.length >= 3, DELIVERY_TIMEOUT_MS);
      await subscription.close();

      // A consumer restarting: events published meanwhile wait for the group's next member.
      const meanwhile = testEvents(4);
      await bus.publish(meanwhile);
      const after = new Recorder();
      await bus.subscribe(name, after.handler);

      await waitFor('the next member gets the 4 waiting events', () => after.received.length >= 4, DELIVERY_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      expect(after.ids()).toEqual(idsOf(meanwhile));
      expect(before.ids()).toEqual(idsOf(early));
    });

    it('stops delivering to a subscription once it is closed', async () => {
      const bus = await open();
      const closing = new Recorder();
      const witness = new Recorder();
      const subscription = await bus.subscribe(group('closing'), closing.handler);
      await bus.subscribe(group('witness'), witness.handler);
      await bus.publish(testEvents(3));
      await waitFor('both groups get 3 events', () => closing.received.length >= 3 && witness.received.length >= 3, DELIVERY_TIMEOUT_MS);

      await subscription.close();
      await bus.publish(testEvents(5));
      // The witness group proves the later events were published and flowing.
      await waitFor('the witness gets 8 events', () => witness.received.length >= 8, DELIVERY_TIMEOUT_MS);
      await sleep(SETTLE_MS);
      expect(closing.received).toHaveLength(3);
    });

    it('lets the event being handled finish before close() resolves', async () => {
      const bus = await open();
      let started = false;
      let finished = false;
      const subscription = await bus.subscribe(group('finish'), async () => {
        started = true;
        await sleep(300);
        finished = true;
      });
      await bus.publish(testEvents(1));
      await waitFor('the handler starts', () => started, DELIVERY_TIMEOUT_MS);

      await subscription.close();
      expect(finished).toBe(true);
    });

    it('keeps the same epoch while nothing is lost', async () => {
      const bus = await open();
      const first = await bus.epoch();
      expect(first).toEqual(expect.any(String));
      expect(first.length).toBeGreaterThan(0);

      const recorder = new Recorder();
      await bus.subscribe(group('epoch'), recorder.handler);
      await bus.publish(testEvents(5));
      await waitFor('5 events', () => recorder.received.length >= 5, DELIVERY_TIMEOUT_MS);
      expect(await bus.epoch()).toBe(first);
      expect(await bus.epoch()).toBe(first);
    });

    it('refuses to publish after close()', async () => {
      const bus = await open();
      await bus.close();
      await expect(bus.publish(testEvents(1))).rejects.toThrow();
    });
  });
}
