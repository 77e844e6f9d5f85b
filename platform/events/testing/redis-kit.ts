import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** Keys deleted per DEL while cleaning up: bounds one command. */
const DELETE_BATCH = 100;

/**
 * A key prefix no other test (or parallel test file) uses. Tests share one Redis, so they never
 * flush it: each works under its own prefix and deletes only its keys.
 */
export function uniquePrefix(label: string): string {
  return `rg-test:${process.pid}:${label}:${randomUUID()}`;
}

/**
 * Deletes every key under `prefix` — exactly what a Redis flush (or a failover without the data)
 * does to a bus using that prefix, and how tests clean up after themselves.
 */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', DELETE_BATCH);
    cursor = next;
    if (keys.length > 0) deleted += await redis.del(...keys);
  } while (cursor !== '0');
  return deleted;
}
