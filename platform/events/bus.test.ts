import { Redis } from 'ioredis';
import { REDIS_URL } from '../../test/support/env';
import { describeBusContract } from './testing/bus.contract';
import { InProcessBus } from './in-process-bus';
import { RedisBus } from './redis-bus';
import { deletePrefix, uniquePrefix } from './testing/redis-kit';

/** Short reclaim, so the contract's redelivery case runs in well under a second on Redis. */
const TEST_RECLAIM_IDLE_MS = 300;

describeBusContract('in-process', async () => new InProcessBus());

const prefixes: string[] = [];
describeBusContract('Redis streams', async () => {
  const prefix = uniquePrefix('bus-contract');
  prefixes.push(prefix);
  return new RedisBus({ url: REDIS_URL, prefix, reclaimIdleMs: TEST_RECLAIM_IDLE_MS });
});

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  try {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
  } finally {
    redis.disconnect();
  }
});
