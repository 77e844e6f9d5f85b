import type { Queryable } from '../../platform/db';
import type { Operation, Principal } from '../../platform/auth';
import type { SubgraphContext } from '../../platform/subgraph';
import { activePolicy } from './policy-store';
import type { ReturnsLoaders } from './loaders';
import { createReturn, type CreateReturnInput } from './lifecycle/create';
import { approveReturn, cancelReturn, declineReturn, markReturnInTransit } from './lifecycle/decide';
import { receiveReturnItems, type ReceiveInput } from './lifecycle/receive';
import { recordInspection, type InspectionInput } from './lifecycle/inspect';
import { lineStates } from './lifecycle/lifecycle-queries';
import { refused, type ReturnPayload } from './lifecycle/payload';
import { ReturnErrorCode, ReturnMessages, userError } from './lifecycle/user-errors';
import type { ReturnsSettings } from './settings';

type Context = SubgraphContext<ReturnsLoaders>;
type Effect<I> = (tx: Queryable, principal: Principal, input: I) => Promise<ReturnPayload>;

/**
 * Wraps a lifecycle step in the write path: idempotency key, the step and its outbox events in one
 * transaction; a payload with userErrors rolls back whole. The payload holds the return's id; the
 * return itself resolves fresh. A role the capability table never grants `operation` was refused
 * by the subgraph's root guard before anything is read; the step asks the table about its target.
 */
function mutation<I>(operation: Operation, effect: Effect<I>) {
  return async (_: unknown, args: { input: I; idempotencyKey: string }, ctx: Context) => {
    const { payload } = await ctx.writes.mutate<ReturnPayload>(
      ctx.principal,
      { operation, idempotencyKey: args.idempotencyKey, input: args.input },
      (tx) => effect(tx, ctx.principal, args.input),
      (error) => ({ returnId: null, userErrors: [error as ReturnPayload['userErrors'][number]] }),
    );
    return payload;
  };
}

/** `authorizeReturn` with `receiveNow`: authorize, then receive every unit at the store, in one transaction. */
const authorizeAndMaybeReceive = (settings: ReturnsSettings): Effect<CreateReturnInput & { receiveNow?: boolean | null }> => async (tx, principal, input) => {
  const { receiveNow, ...create } = input;
  // The units are received at the store taking the return; without one there is nowhere to book them.
  const receivingStore = receiveNow ? input.storeId : null;
  if (receiveNow && !receivingStore) return refused(userError(ReturnErrorCode.STORE_REQUIRED, ['input', 'storeId'], ReturnMessages.receiveNowNeedsStore));
  const created = await createReturn(tx, principal, create, 'authorize', await activePolicy(tx), settings);
  if (!receivingStore || !created.returnId) return created;
  const lines = await lineStates(tx, created.returnId);
  const receipt: ReceiveInput = {
    returnId: created.returnId,
    locationId: receivingStore,
    lines: lines.map((line) => ({ returnLineId: line.id, quantity: line.quantity })),
  };
  return receiveReturnItems(tx, principal, receipt);
};

/** Mutation resolvers of the returns subgraph, with its settings. */
export const returnsMutations = (settings: ReturnsSettings) => ({
  requestReturn: mutation<CreateReturnInput>('requestReturn', async (tx, principal, input) => createReturn(tx, principal, input, 'request', await activePolicy(tx), settings)),
  authorizeReturn: mutation('authorizeReturn', authorizeAndMaybeReceive(settings)),
  approveReturn: mutation('approveReturn', approveReturn),
  declineReturn: mutation('declineReturn', declineReturn),
  cancelReturn: mutation('cancelReturn', cancelReturn),
  markReturnInTransit: mutation('markReturnInTransit', markReturnInTransit),
  receiveReturnItems: mutation<ReceiveInput>('receiveReturnItems', receiveReturnItems),
  recordInspection: mutation<InspectionInput>('recordInspection', recordInspection),
});

/** Every payload type resolves its return by id, fresh, through the loaders. */
export const payloadReturn = {
  return: (payload: ReturnPayload, _: unknown, ctx: Context) => (payload.returnId ? ctx.loaders.returnById.load(payload.returnId) : null),
};
