/**
 * A small pool: at most `concurrency` items in flight, items of one group (one order, one
 * location) strictly in file order, everything else in any order. Stops starting items once
 * `shouldStop()` says so (an interruption) or an item threw, waits for those in flight, and then
 * rethrows the first error (a transport failure: the command stops and can resume).
 */
export async function runPool<T>(
  items: readonly T[],
  options: { concurrency: number; groupOf: (item: T) => string; shouldStop: () => boolean },
  work: (item: T) => Promise<void>,
): Promise<void> {
  const tails = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | null = null;
  const stop = () => failure !== null || options.shouldStop();
  for (const item of items) {
    if (stop()) break;
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (stop()) break;
    const group = options.groupOf(item);
    // The previous item of the group has started already, so waiting on it cannot deadlock.
    const task = (tails.get(group) ?? Promise.resolve()).then(() => (failure ? undefined : work(item)));
    const settled = task.then(
      () => undefined,
      (error: unknown) => {
        failure ??= { error };
      },
    );
    tails.set(group, settled);
    inFlight.add(settled);
    void settled.then(() => {
      inFlight.delete(settled);
      if (tails.get(group) === settled) tails.delete(group);
    });
  }
  await Promise.all(inFlight);
  if (failure) throw (failure as { error: unknown }).error;
}
