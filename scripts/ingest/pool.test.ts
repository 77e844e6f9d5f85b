import { runPool } from './pool';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('runPool', () => {
  it('keeps at most `concurrency` items in flight and the items of one group in order', async () => {
    const items = Array.from({ length: 40 }, (_, index) => ({ index, group: `g${index % 3}` }));
    let inFlight = 0;
    let most = 0;
    const seen = new Map<string, number[]>();
    await runPool(items, { concurrency: 4, groupOf: (item) => item.group, shouldStop: () => false }, async (item) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await tick();
      seen.set(item.group, [...(seen.get(item.group) ?? []), item.index]);
      inFlight -= 1;
    });
    expect(most).toBeLessThanOrEqual(4);
    for (const [group, order] of seen) expect({ group, order }).toEqual({ group, order: [...order].sort((a, b) => a - b) });
    expect([...seen.values()].flat()).toHaveLength(40);
  });

  it('stops starting items after one throws, finishes those in flight, and rethrows the first error', async () => {
    const done: number[] = [];
    const run = runPool([1, 2, 3, 4, 5, 6, 7, 8], { concurrency: 2, groupOf: String, shouldStop: () => false }, async (item) => {
      await tick();
      if (item === 3) throw new Error('gateway unreachable');
      done.push(item);
    });
    await expect(run).rejects.toThrow('gateway unreachable');
    expect(done.length).toBeLessThan(7);
  });

  it('starts nothing more once asked to stop', async () => {
    const done: number[] = [];
    await runPool([1, 2, 3, 4, 5], { concurrency: 1, groupOf: String, shouldStop: () => done.length >= 2 }, async (item) => {
      done.push(item);
    });
    expect(done).toEqual([1, 2]);
  });
});
