import type { Principal } from '../auth';
import type { Payload } from '../idempotency/idempotency';
import type { WritePath } from './write-path';
import type { WriteTx } from './write-tx';

/** What a mutation resolver needs of the subgraph context. */
export interface MutationContext {
  principal: Principal;
  writes: WritePath;
}

/** The arguments of every side-effecting mutation (CONTRACT.md: `name(input, idempotencyKey)`). */
export interface MutationArgs<I> {
  input: I;
  idempotencyKey: string;
}

/** A mutation's effect: the state change and its events, inside the write path's transaction. */
export type MutationEffect<I, P extends Payload> = (tx: WriteTx, principal: Principal, input: I) => Promise<P>;

/**
 * The resolver of a side-effecting mutation: the idempotency key, `effect` and the events it
 * emits in one transaction (`WritePath.mutate`); a payload with userErrors rolls back whole.
 * `onUserError` shapes the payload of a userError the write path itself raises (a bad or reused
 * key) in the mutation's own payload type, from the error and the input. The payload holds ids; entities resolve fresh.
 *
 * Authorization is not here: the subgraph's root guard has asked the capability table about
 * `operation` before this runs, and the effect asks it about its target.
 */
export function mutation<I, P extends Payload>(
  /** The mutation's field name, e.g. `approveReturn`: idempotency keys are scoped to it. */
  operation: string,
  effect: MutationEffect<I, P>,
  onUserError: (error: Payload['userErrors'][number], input: I) => P,
) {
  return async (_: unknown, args: MutationArgs<I>, ctx: MutationContext): Promise<P> => {
    const { payload } = await ctx.writes.mutate<P>(
      ctx.principal,
      { operation, idempotencyKey: args.idempotencyKey, input: args.input },
      (tx) => effect(tx, ctx.principal, args.input),
      (error) => onUserError(error, args.input),
    );
    return payload;
  };
}
