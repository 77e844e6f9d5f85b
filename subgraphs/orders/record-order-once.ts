import type { SubgraphContext } from '../../platform/subgraph';
import type { UserError } from './domain/user-errors';
import type { RecordOrderInput } from './domain/record-order-input';
import { assertCanRecordOrders, recordOrder } from './record-order';
import { emitOrderRecorded } from './emit-order-recorded';

/**
 * The payload `recordOrder` stores under its idempotency key and replays verbatim: ids, not
 * objects, so a replay resolves the order as it is now through the usual loaders.
 */
export interface StoredRecordOrderPayload {
  orderId: string | null;
  created: boolean;
  userErrors: UserError[];
}

/**
 * `recordOrder` through the write path: in one transaction the idempotency key, the order upsert
 * and its `OrderRecorded` event; a retry with the key gets the stored payload back.
 */
export async function recordOrderOnce(ctx: SubgraphContext<unknown>, input: RecordOrderInput, idempotencyKey: string): Promise<StoredRecordOrderPayload> {
  assertCanRecordOrders(ctx.principal);
  const { payload } = await ctx.writes.mutate<StoredRecordOrderPayload>(
    ctx.principal,
    { operation: 'recordOrder', idempotencyKey, input },
    async (tx) => {
      const result = await recordOrder(tx, input, ctx.principal);
      if (!result.order) return { orderId: null, created: false, userErrors: result.userErrors };
      await emitOrderRecorded(tx, result.order, result.created);
      return { orderId: result.order.id, created: result.created, userErrors: [] };
    },
    (error) => ({ orderId: null, created: false, userErrors: [error as UserError] }),
  );
  return payload;
}
