import { RETURN_STATUSES, type ReturnStatus } from '../../../contracts/vocabulary';

/**
 * The return's process state machine: the one table of allowed transitions between the statuses
 * of `contracts/vocabulary.ts`. Every status change goes through `transition()`; nothing else
 * writes a status.
 */

/** What moves a return: each action names the statuses it may start from and where it leads. */
export type ReturnAction = 'request' | 'authorize' | 'approve' | 'decline' | 'cancel' | 'ship' | 'receive' | 'receiveAll' | 'inspect' | 'complete';

/**
 * Allowed transitions. Canceling is possible only before any unit was received; a partial receipt
 * may be followed by more receipts; inspection needs every authorized unit received; completion
 * needs inspection and a settled refund (see `completion.ts`).
 */
export const TRANSITIONS: Readonly<Record<ReturnAction, { from: readonly (ReturnStatus | null)[]; to: ReturnStatus }>> = {
  request: { from: [null], to: 'REQUESTED' },
  authorize: { from: [null, 'REQUESTED'], to: 'AUTHORIZED' },
  approve: { from: ['REQUESTED'], to: 'AUTHORIZED' },
  decline: { from: [null, 'REQUESTED'], to: 'DECLINED' },
  cancel: { from: ['REQUESTED', 'AUTHORIZED', 'IN_TRANSIT'], to: 'CANCELED' },
  ship: { from: ['AUTHORIZED'], to: 'IN_TRANSIT' },
  receive: { from: ['AUTHORIZED', 'IN_TRANSIT', 'PARTIALLY_RECEIVED'], to: 'PARTIALLY_RECEIVED' },
  receiveAll: { from: ['AUTHORIZED', 'IN_TRANSIT', 'PARTIALLY_RECEIVED'], to: 'RECEIVED' },
  inspect: { from: ['RECEIVED'], to: 'INSPECTED' },
  complete: { from: ['INSPECTED'], to: 'COMPLETED' },
};

/** Statuses from which nothing moves. */
export const FINAL_STATUSES: readonly ReturnStatus[] = ['DECLINED', 'CANCELED', 'COMPLETED'];

/** Statuses whose units still count against the order line's returnable quantity. */
export const OPEN_OR_DONE_STATUSES: readonly ReturnStatus[] = RETURN_STATUSES.filter((status) => status !== 'DECLINED' && status !== 'CANCELED');

/** The status `action` leads to from `from`, or null when the transition is not allowed. */
export function transition(from: ReturnStatus | null, action: ReturnAction): ReturnStatus | null {
  const rule = TRANSITIONS[action];
  return rule.from.includes(from) ? rule.to : null;
}
