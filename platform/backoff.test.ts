import { backoffDelay } from './backoff';

const schedule = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('backoffDelay', () => {
  it('doubles from the base after each failure and stops growing at the cap', () => {
    const withoutJitter = (failed: number) => backoffDelay(schedule, failed, () => 1);
    expect([1, 2, 3, 4, 5, 6].map(withoutJitter)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('keeps at least half of each delay fixed, so jitter never retries at once', () => {
    expect(backoffDelay(schedule, 1, () => 0)).toBe(50);
    expect(backoffDelay(schedule, 10, () => 0)).toBe(500);
    for (let failed = 1; failed <= 8; failed++) {
      const delay = backoffDelay(schedule, failed);
      const full = Math.min(schedule.maxDelayMs, schedule.baseDelayMs * 2 ** (failed - 1));
      expect(delay).toBeGreaterThanOrEqual(full / 2);
      expect(delay).toBeLessThanOrEqual(full);
    }
  });
});
