/**
 * A bound on how many tasks run at once; the rest wait in arrival order. The hub resolves the
 * updates of different groups concurrently through it (each group's own updates stay one after
 * another on the group's chain), so a burst of events for thousands of audience classes neither
 * runs strictly one after another nor opens thousands of subgraph requests at once.
 */
export class Slots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Slots needs a whole number of at least 1, but got ${size}`);
  }

  /** Runs `task` when a slot is free; the slot is given back however the task ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter (the count stays), or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
