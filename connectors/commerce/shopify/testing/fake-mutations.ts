/**
 * The fake's mutations, with Shopify's validation where the connector depends on it: a return
 * takes only fulfilled units not already out for return; a disposition only undisposed units (and
 * a location to restock at); close and cancel only from the states Shopify allows. Refusals are
 * `userErrors`, and nothing is changed by a refused call.
 */
import type { FakeShopifyStore } from './fake-store';
import type {
  DispositionRecord,
  FulfillmentLineItemRecord,
  LocationRecord,
  MetafieldRecord,
  OrderRecord,
  ReturnLineItemRecord,
  ReturnRecord,
  ReverseLineItemRecord,
} from './fake-records';

type UserError = { code: string | null; field: string[] | null; message: string };
const refuse = (code: string, field: string[] | null, message: string): { userErrors: UserError[] } => ({ userErrors: [{ code, field, message }] });

/** Units of a fulfillment line item already in returns that stand. */
function unitsInReturns(order: OrderRecord, fliId: string): number {
  return order.returns
    .filter((r) => r.status !== 'CANCELED' && r.status !== 'DECLINED')
    .flatMap((r) => r.returnLineItems)
    .filter((line) => line.fulfillmentLineItem.id === fliId)
    .reduce((sum, line) => sum + line.quantity, 0);
}

interface ReturnInput {
  orderId: string;
  returnLineItems: { fulfillmentLineItemId: string; quantity: number; returnReasonNote?: string | null }[];
}

function returnCreate(store: FakeShopifyStore, input: ReturnInput) {
  const order = store.node(input.orderId) as OrderRecord | null;
  if (!order || order.__typename !== 'Order') return { return: null, ...refuse('NOT_FOUND', ['returnInput', 'orderId'], 'Order does not exist.') };
  const fulfilled = new Map(order.fulfillments.flatMap((f) => f.fulfillmentLineItems).map((fli) => [fli.id, fli] as const));
  for (const [index, line] of input.returnLineItems.entries()) {
    const fli = fulfilled.get(line.fulfillmentLineItemId);
    const field = ['returnInput', 'returnLineItems', String(index)];
    if (!fli) return { return: null, ...refuse('INVALID', [...field, 'fulfillmentLineItemId'], 'Fulfillment line item does not exist.') };
    if (line.quantity < 1 || line.quantity > fli.quantity - unitsInReturns(order, fli.id)) {
      return { return: null, ...refuse('INVALID', [...field, 'quantity'], 'Quantity is not returnable.') };
    }
    if ((line.returnReasonNote ?? '').length > 255)
      return { return: null, ...refuse('TOO_LONG', [...field, 'returnReasonNote'], 'Return reason note is too long.') };
  }
  const lines: ReturnLineItemRecord[] = input.returnLineItems.map((line) =>
    store.register({
      __typename: 'ReturnLineItem',
      id: store.gid('ReturnLineItem'),
      quantity: line.quantity,
      customerNote: null,
      returnReasonNote: line.returnReasonNote ?? '',
      fulfillmentLineItem: fulfilled.get(line.fulfillmentLineItemId) as FulfillmentLineItemRecord,
    }),
  );
  const reverseLines: ReverseLineItemRecord[] = lines.map((line) =>
    store.register({
      __typename: 'ReverseFulfillmentOrderLineItem',
      id: store.gid('ReverseFulfillmentOrderLineItem'),
      totalQuantity: line.quantity,
      dispositions: [],
      fulfillmentLineItem: line.fulfillmentLineItem,
    }),
  );
  const ret: ReturnRecord = store.register({
    __typename: 'Return',
    id: store.gid('Return'),
    name: `${order.name}-R${order.returns.length + 1}`,
    status: 'OPEN',
    order,
    returnLineItems: lines,
    reverseFulfillmentOrders: [
      store.register({ __typename: 'ReverseFulfillmentOrder', id: store.gid('ReverseFulfillmentOrder'), status: 'OPEN', lineItems: reverseLines }),
    ],
  });
  order.returns.push(ret);
  store.touch(order);
  return { return: ret, userErrors: [] };
}

/** Moves a return from one of `from` to `to`, or refuses with INVALID_STATE. */
function moveReturn(store: FakeShopifyStore, id: string, from: readonly string[], to: string) {
  const ret = store.node(id) as ReturnRecord | null;
  if (!ret || ret.__typename !== 'Return') return { return: null, ...refuse('NOT_FOUND', ['id'], 'Return does not exist.') };
  if (!from.includes(ret.status))
    return { return: null, ...refuse('INVALID_STATE', ['id'], `Return is ${ret.status.toLowerCase()} and cannot be ${to.toLowerCase()}.`) };
  ret.status = to;
  for (const rfo of ret.reverseFulfillmentOrders) rfo.status = to === 'CANCELED' ? 'CANCELED' : 'CLOSED';
  store.touch(ret.order);
  return { return: ret, userErrors: [] };
}

interface DisposeInput {
  reverseFulfillmentOrderLineItemId: string;
  quantity: number;
  locationId?: string | null;
  dispositionType: string;
}

function dispose(store: FakeShopifyStore, inputs: DisposeInput[]) {
  const room = new Map<string, number>();
  for (const [index, input] of inputs.entries()) {
    const field = ['dispositionInputs', String(index)];
    const item = store.node(input.reverseFulfillmentOrderLineItemId) as ReverseLineItemRecord | null;
    if (!item || item.__typename !== 'ReverseFulfillmentOrderLineItem')
      return { reverseFulfillmentOrderLineItems: null, ...refuse('NOT_FOUND', field, 'Line item does not exist.') };
    const left = room.get(item.id) ?? item.totalQuantity - item.dispositions.reduce((s, d) => s + d.quantity, 0);
    if (input.quantity < 1 || input.quantity > left)
      return { reverseFulfillmentOrderLineItems: null, ...refuse('INVALID', [...field, 'quantity'], 'Quantity exceeds what is left to dispose.') };
    if (input.dispositionType === 'RESTOCKED' && !(input.locationId && store.node(input.locationId)?.__typename === 'Location')) {
      return { reverseFulfillmentOrderLineItems: null, ...refuse('INVALID', [...field, 'locationId'], 'A restock needs a location.') };
    }
    room.set(item.id, left - input.quantity);
  }
  const touched = inputs.map((input) => {
    const item = store.node(input.reverseFulfillmentOrderLineItemId) as ReverseLineItemRecord;
    const disposition: DispositionRecord = store.register({
      __typename: 'ReverseFulfillmentOrderDisposition',
      id: store.gid('ReverseFulfillmentOrderDisposition'),
      type: input.dispositionType,
      quantity: input.quantity,
      location: input.locationId ? (store.node(input.locationId) as LocationRecord) : null,
    });
    item.dispositions.push(disposition);
    return item;
  });
  return { reverseFulfillmentOrderLineItems: touched, userErrors: [] };
}

interface MetafieldInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  type?: string | null;
  value: string;
}

function metafieldsSet(store: FakeShopifyStore, inputs: MetafieldInput[]) {
  for (const [index, input] of inputs.entries()) {
    const owner = store.node(input.ownerId);
    if (!owner || owner.__typename !== 'Order')
      return {
        metafields: null,
        userErrors: [{ code: 'INVALID', field: ['metafields', String(index), 'ownerId'], message: 'Owner does not exist.', elementIndex: index }],
      };
    if (!/^[A-Za-z0-9_-]{2,64}$/.test(input.key))
      return {
        metafields: null,
        userErrors: [{ code: 'INVALID', field: ['metafields', String(index), 'key'], message: 'Key is invalid.', elementIndex: index }],
      };
    if (input.type === 'json') {
      try {
        JSON.parse(input.value);
      } catch {
        return {
          metafields: null,
          userErrors: [{ code: 'INVALID_VALUE', field: ['metafields', String(index), 'value'], message: 'Value is not JSON.', elementIndex: index }],
        };
      }
    }
  }
  const written = inputs.map((input) => {
    const order = store.node(input.ownerId) as OrderRecord;
    const namespace = input.namespace ?? 'app';
    const existing = order.metafields.find((m) => m.namespace === namespace && m.key === input.key);
    if (existing) {
      existing.value = input.value;
      return existing;
    }
    const created: MetafieldRecord = store.register({
      __typename: 'Metafield',
      id: store.gid('Metafield'),
      namespace,
      key: input.key,
      type: input.type ?? 'single_line_text_field',
      value: input.value,
    });
    order.metafields.push(created);
    return created;
  });
  return { metafields: written, userErrors: [] };
}

/** The root mutation resolvers over `store`; `runBulk` starts a bulk export. */
export function mutationRoot(store: FakeShopifyStore, runBulk: (query: string) => Promise<unknown>) {
  return {
    returnCreate: ({ returnInput }: { returnInput: ReturnInput }) => returnCreate(store, returnInput),
    returnClose: ({ id }: { id: string }) => moveReturn(store, id, ['OPEN'], 'CLOSED'),
    returnCancel: ({ id }: { id: string }) => moveReturn(store, id, ['OPEN', 'REQUESTED'], 'CANCELED'),
    reverseFulfillmentOrderDispose: ({ dispositionInputs }: { dispositionInputs: DisposeInput[] }) => dispose(store, dispositionInputs),
    metafieldsSet: ({ metafields }: { metafields: MetafieldInput[] }) => metafieldsSet(store, metafields),
    bulkOperationRunQuery: ({ query }: { query: string }) => runBulk(query),
  };
}
