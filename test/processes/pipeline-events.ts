import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';

/**
 * The test-only event of `pipeline-redis.test.ts` and its consumer process: `n` numbers the
 * events of one aggregate from 0, so the consumer's table shows whether they were applied in order.
 */
export const TestThingHappened = defineEvent('TestThingHappened', 1, z.object({ n: z.number().int().nonnegative() }));

/** The table the test consumer writes one row per applied event into (no unique key: duplicates must show). */
export function appliedTableSql(schema: string): string {
  return `CREATE TABLE ${schema}.pipeline_probe_applied (
    applied_seq   bigserial PRIMARY KEY,
    event_id      text NOT NULL,
    aggregate_id  text NOT NULL,
    n             integer NOT NULL CHECK (n >= 0),
    applied_by    integer NOT NULL
  )`;
}
