import { type Cursor } from '../../platform/graphql/connection';
import { badUserInput } from '../../platform/graphql/errors';
import { isId } from '../../platform/ids';

/** The keyset position of an order in `orders`: its placement time and id. */
export function orderCursor(order: { placedAt: Date; id: string }): Cursor {
  return { sort: order.placedAt.toISOString(), id: order.id };
}

/**
 * The position an `after` cursor names. A cursor that decodes but does not hold an instant and
 * an order id was not issued by this list (tampered or from another list): BAD_USER_INPUT.
 */
export function decodeOrderCursor(cursor: { sort: string; id: string }): { placedAt: Date; id: string } {
  const placedAt = new Date(cursor.sort);
  if (Number.isNaN(placedAt.getTime()) || placedAt.toISOString() !== cursor.sort || !isId('ord', cursor.id)) {
    throw badUserInput('The cursor is not one this list issued.', 'after');
  }
  return { placedAt, id: cursor.id };
}
