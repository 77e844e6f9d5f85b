import { Redis } from 'ioredis';
import { REDIS_URL } from '../../test/support/env';
import type { EventBus } from './bus';
import { idsOf, Recorder, sleep, testEvents, waitFor } from './testing/bus-kit';
import { RedisBus } from './redis-bus';
import { deletePrefix, uniquePrefix } from './testing/redis-kit';
import { killAllTestProcesses, spawnTestProcess } from '../../test/processes/child-kit';

/** Idle time after which a member's unacknowledged entries are reclaimed: short for tests. */
const TEST_RECLAIM_IDLE_MS = 300;
/** Bound on every wait for a delivery or a reclaim (reclaim itself takes ~0.3-0.6 s here). */
const WAIT_MS = 8_000;
/** Bound on a tsx child starting and subscribing (two shared cores, cold transpile cache). */
const CHILD_START_MS = 15_000;

describe('RedisBus', () => {
  const redis = new Redis(REDIS_URL);
  const prefixes: string[] = [];
  const buses: EventBus[] = [];
  const newBus = (prefix: string) => {
    const bus = new RedisBus({ url: REDIS_URL, prefix, reclaimIdleMs: TEST_RECLAIM_IDLE_MS });
    buses.push(bus);
    return bus;
  };
  const newPrefix = (label: string) => {
    const prefix = uniquePrefix(label);
    prefixes.push(prefix);
    return prefix;
  };

  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close().catch(() => undefined)));
  });

  afterAll(async () => {
    await killAllTestProcesses();
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('reclaims entries a killed member read but never acknowledged, after reclaimIdleMs', async () => {
    const prefix = newPrefix('crash');
    const group = 'crash.group';
    const publisher = newBus(prefix);
    const events = testEvents(10);
    await publisher.publish(events);

    const member = spawnTestProcess('test/processes/redis-bus-member.ts', { REDIS_URL, RG_BUS_PREFIX: prefix, RG_BUS_GROUP: group });
    await member.waitForLine(/^got /, CHILD_START_MS);
    await member.kill();
    // The dead member holds every entry: it read the whole batch and acknowledged none.
    const [pendingBefore] = (await redis.xpending(`${prefix}:events`, group)) as [number];
    expect(pendingBefore).toBe(10);

    const killedAt = Date.now();
    const survivor = new Recorder();
    await newBus(prefix).subscribe(group, survivor.handler);
    await waitFor('the survivor reclaims all 10 entries', () => survivor.received.length >= 10, WAIT_MS);
    const reclaimMs = Date.now() - killedAt;
    await sleep(TEST_RECLAIM_IDLE_MS * 2);

    expect(survivor.ids()).toEqual(idsOf(events));
    expect(reclaimMs).toBeGreaterThanOrEqual(TEST_RECLAIM_IDLE_MS - 50);
    const [pendingAfter] = (await redis.xpending(`${prefix}:events`, group)) as [number];
    expect(pendingAfter).toBe(0);
    console.info(`reclaim after a killed member: all 10 entries handled ${reclaimMs} ms after the kill`);
  });

  it('reclaims the rest of a batch whose member closed mid-batch, without handling it twice', async () => {
    const prefix = newPrefix('closed');
    const group = 'closed.group';
    const publisher = newBus(prefix);
    const events = testEvents(10);
    let started = false;
    // Slower than reclaimIdleMs: the member must not reclaim its own unhandled batch meanwhile.
    const leaving = new Recorder(async () => {
      started = true;
      await sleep(TEST_RECLAIM_IDLE_MS * 2);
    });
    const subscription = await newBus(prefix).subscribe(group, leaving.handler);
    await publisher.publish(events);
    await waitFor('the first member starts handling', () => started, WAIT_MS);
    await subscription.close();

    const next = new Recorder();
    await newBus(prefix).subscribe(group, next.handler);
    await waitFor('the next member gets the 9 unhandled entries', () => leaving.received.length + next.received.length >= 10, WAIT_MS);
    await sleep(TEST_RECLAIM_IDLE_MS * 2);

    expect(leaving.ids()).toEqual(idsOf(events.slice(0, 1)));
    expect(leaving.maxConcurrent).toBe(1);
    expect(next.ids()).toEqual(idsOf(events.slice(1)));
  });

  it('starts a new epoch after the prefix keys are deleted, agreed by every instance', async () => {
    const prefix = newPrefix('epoch');
    const first = newBus(prefix);
    const second = newBus(prefix);
    const before = await first.epoch();
    expect(await second.epoch()).toBe(before);

    expect(await deletePrefix(redis, prefix)).toBeGreaterThan(0);

    const after = await second.epoch();
    expect(after).not.toBe(before);
    expect(await first.epoch()).toBe(after);
    expect(await first.epoch()).toBe(after);
  });

  it('keeps receiving new events after its stream was deleted (NOGROUP)', async () => {
    const prefix = newPrefix('nogroup');
    const bus = newBus(prefix);
    const recorder = new Recorder();
    await bus.subscribe('nogroup.group', recorder.handler);
    const early = testEvents(3);
    await bus.publish(early);
    await waitFor('3 events before the flush', () => recorder.received.length >= 3, WAIT_MS);

    await deletePrefix(redis, prefix);
    const flushedAt = Date.now();
    const late = testEvents(3);
    await bus.publish(late);
    await waitFor('3 events after the flush', () => recorder.received.length >= 6, WAIT_MS);
    const recoveryMs = Date.now() - flushedAt;
    await sleep(TEST_RECLAIM_IDLE_MS * 2);

    expect(recorder.ids()).toEqual(idsOf([...early, ...late]));
    console.info(`stream deleted under a blocked reader: new events delivered ${recoveryMs} ms later`);
  });
});
