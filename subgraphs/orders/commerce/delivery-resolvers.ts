import { badUserInput } from '../../../platform/graphql/errors';
import { pageRequest, toConnection, type Connection } from '../../../platform/graphql/connection';
import type { SubgraphContext } from '../../../platform/subgraph';
import { OrderMessages, UserErrorCode, userError, type UserError } from '../domain/user-errors';
import { findDelivery, listDeliveries, requeueFailed, type DeliveryRecord, type DeliveryStatus } from './deliveries';

/** Delivery ids are the inbox's row numbers, as text. */
const DELIVERY_ID = /^[1-9][0-9]{0,17}$/;

/** What `retryCommerceDelivery` stores under its key and replays: the id, not the row, so a replay shows the delivery as it is now. */
export interface StoredRetryPayload {
  deliveryId: string | null;
  userErrors: UserError[];
}

/** A page of the inbox. */
export type DeliveryConnection = Connection<DeliveryRecord>;

const idCursor = (delivery: DeliveryRecord) => ({ sort: 'id', id: delivery.id });

/**
 * The operators' side of the commerce intake: `commerceDeliveries` lists the inbox (FAILED ones
 * first of all), `retryCommerceDelivery` re-queues a FAILED delivery through the write path
 * (idempotency key, audit row) and wakes the intake worker. Both are guarded by the capability
 * table (`commerceDeliveries`, `retryCommerceDelivery`: operators and services).
 */
export function commerceDeliveryResolvers(wake: () => void) {
  return {
    Query: {
      commerceDeliveries: async (
        _: unknown,
        args: { status?: DeliveryStatus | null; first?: number | null; after?: string | null },
        ctx: SubgraphContext<unknown>,
      ): Promise<Connection<DeliveryRecord>> => {
        const { limit, after } = pageRequest(args);
        if (after && (after.sort !== 'id' || !DELIVERY_ID.test(after.id))) throw badUserInput('The cursor is not one this list issued.', 'after');
        const rows = await listDeliveries(ctx.db, { status: args.status ?? undefined, afterId: after?.id, limit: limit + 1 });
        return toConnection(rows, limit, idCursor, Boolean(after));
      },
    },
    Mutation: {
      retryCommerceDelivery: async (_: unknown, args: { id: string; idempotencyKey: string }, ctx: SubgraphContext<unknown>): Promise<StoredRetryPayload> => {
        const { payload } = await ctx.writes.mutate<StoredRetryPayload>(
          ctx.principal,
          { operation: 'retryCommerceDelivery', idempotencyKey: args.idempotencyKey, input: { id: args.id } },
          async (tx) => {
            const existing = DELIVERY_ID.test(args.id) ? await findDelivery(tx, args.id) : null;
            if (!existing) return { deliveryId: null, userErrors: [userError(UserErrorCode.DELIVERY_NOT_FOUND, ['id'], OrderMessages.deliveryNotFound)] };
            const requeued = await requeueFailed(tx, existing.id);
            if (!requeued)
              return { deliveryId: null, userErrors: [userError(UserErrorCode.DELIVERY_NOT_FAILED, ['id'], OrderMessages.deliveryNotFailed(existing.status))] };
            await tx.audit({
              principal: ctx.principal,
              action: 'retryCommerceDelivery',
              target: existing.id,
              details: { source: existing.source, deliveryId: existing.deliveryId, topic: existing.topic, lastError: existing.lastError },
            });
            return { deliveryId: existing.id, userErrors: [] };
          },
          (error) => ({ deliveryId: null, userErrors: [error as UserError] }),
        );
        if (payload.deliveryId) wake();
        return payload;
      },
    },
    RetryCommerceDeliveryPayload: {
      delivery: (payload: StoredRetryPayload, _: unknown, ctx: SubgraphContext<unknown>) =>
        payload.deliveryId ? findDelivery(ctx.db, payload.deliveryId) : null,
    },
    CommerceDeliveryConnection: {
      nodes: (connection: Connection<DeliveryRecord>) => connection.edges.map((edge) => edge.node),
    },
    CommerceDelivery: {
      outcome: (delivery: DeliveryRecord) => (delivery.outcome ? JSON.stringify(delivery.outcome) : null),
    },
  };
}
