import type { PublishResult } from '../schema-registry';
import { publishWhenPeersArrive, waitingForPeers } from './publish';

const result = (status: PublishResult['status'], codes: string[] = [], breaking = 0): PublishResult => ({
  status,
  dryRun: false,
  forced: false,
  compositionErrors: codes.map((code) => ({ code, message: `${code} happened` })),
  breakingChanges: Array.from({ length: breaking }, () => ({ type: 'FIELD_REMOVED', description: 'Query.x was removed' })) as PublishResult['breakingChanges'],
});

const wait = { timeoutMs: 10_000, firstPauseMs: 10, maxPauseMs: 40 };

describe('publishing while peers are still starting', () => {
  it('retries a refusal for a missing peer, with growing pauses, until the registry accepts', async () => {
    const answers = [result('REJECTED', ['EXTERNAL_MISSING_ON_BASE']), result('REJECTED', ['EXTERNAL_MISSING_ON_BASE']), result('PUBLISHED')];
    const pauses: number[] = [];
    const published = await publishWhenPeersArrive(
      'returns',
      async () => answers.shift() as PublishResult,
      wait,
      async (ms) => void pauses.push(ms),
    );
    expect(published.status).toBe('PUBLISHED');
    expect(pauses).toEqual([10, 20]);
  });

  it('stops at once on a real composition error or a breaking change, naming it', async () => {
    expect(waitingForPeers(result('REJECTED', ['EXTERNAL_MISSING_ON_BASE', 'FIELD_TYPE_MISMATCH']))).toBe(false);
    expect(waitingForPeers(result('REJECTED', [], 1))).toBe(false);
    let calls = 0;
    await expect(
      publishWhenPeersArrive(
        'inventory',
        async () => {
          calls += 1;
          return result('REJECTED', ['FIELD_TYPE_MISMATCH']);
        },
        wait,
        async () => undefined,
      ),
    ).rejects.toThrow(/The registry refused inventory's schema: .*FIELD_TYPE_MISMATCH/);
    expect(calls).toBe(1);
  });

  it('gives up when the peers do not arrive in time', async () => {
    let calls = 0;
    await expect(
      publishWhenPeersArrive(
        'returns',
        async () => {
          calls += 1;
          return result('REJECTED', ['EXTERNAL_MISSING_ON_BASE']);
        },
        { timeoutMs: 50, firstPauseMs: 20, maxPauseMs: 20 },
        (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ),
    ).rejects.toThrow(/EXTERNAL_MISSING_ON_BASE/);
    expect(calls).toBeGreaterThan(1);
  });
});
