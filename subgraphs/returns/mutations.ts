import type { SubgraphContext } from '../../platform/subgraph';
import { mutation, type MutationEffect } from '../../platform/write-path/mutation';
import type { Operation } from '../../platform/auth';
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
type Effect<I> = MutationEffect<I, ReturnPayload>;

/**
 * A lifecycle step through the write path (`platform/write-path/mutation.ts`). The write path's own
 * userErrors (a bad or reused key) carry codes of the returns error enum, which includes them.
 */
const returnMutation = <I>(operation: Operation, effect: Effect<I>) =>
  mutation(operation, effect, (error) => refused(error as ReturnPayload['userErrors'][number]));

/** `authorizeReturn` with `receiveNow`: authorize, then receive every unit at the store, in one transaction. */
const authorizeAndMaybeReceive =
  (settings: ReturnsSettings): Effect<CreateReturnInput & { receiveNow?: boolean | null }> =>
  async (tx, principal, input) => {
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
  requestReturn: returnMutation<CreateReturnInput>('requestReturn', async (tx, principal, input) =>
    createReturn(tx, principal, input, 'request', await activePolicy(tx), settings),
  ),
  authorizeReturn: returnMutation('authorizeReturn', authorizeAndMaybeReceive(settings)),
  approveReturn: returnMutation('approveReturn', approveReturn),
  declineReturn: returnMutation('declineReturn', declineReturn),
  cancelReturn: returnMutation('cancelReturn', cancelReturn),
  markReturnInTransit: returnMutation('markReturnInTransit', markReturnInTransit),
  receiveReturnItems: returnMutation<ReceiveInput>('receiveReturnItems', receiveReturnItems),
  recordInspection: returnMutation<InspectionInput>('recordInspection', recordInspection),
});

/** Every payload type resolves its return by id, fresh, through the loaders. */
export const payloadReturn = {
  return: (payload: ReturnPayload, _: unknown, ctx: Context) => (payload.returnId ? ctx.loaders.returnById.load(payload.returnId) : null),
};
