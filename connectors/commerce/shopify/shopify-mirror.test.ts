import { planDispositions, planReturnLines, type ReverseLineItem } from './shopify-return-plan';
import { ShopifyMirrorError } from './shopify-errors';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';
import type { OrderRecord } from './testing/fake-records';

/** Mutations that move money on Shopify; the mirror must never send one. */
const MONEY_MUTATIONS = ['refundCreate', 'returnRefund', 'returnProcess', 'orderCreateManualPayment', 'giftCardCreate'];

describe('ShopifyReturnsMirror against the fake Shopify', () => {
  let fake: FakeShopify;
  let order: OrderRecord;
  let warehouse: string;
  beforeEach(async () => {
    fake = await FakeShopify.start();
    warehouse = fake.seedLocation({ name: 'Warehouse NJ' }).legacyResourceId;
    order = fake.seedOrder({
      lines: [
        { sku: 'TEE', price: '20.00', quantity: 3 },
        { sku: 'MUG', price: '8.00', quantity: 1 },
      ],
    });
    fake.fulfilOrder(order.legacyResourceId, { locationId: warehouse, delivered: true });
  });
  afterEach(async () => {
    await fake.stop();
  });

  const mirrored = (returnId = 'ret_01TEST') => ({
    returnId,
    orderExternalId: order.legacyResourceId,
    lines: [
      { sku: 'TEE', quantity: 2 },
      { sku: 'MUG', quantity: 1 },
    ],
  });

  it('opens one Shopify return however often it is asked, marked with our return id', async () => {
    const mirror = connectorOn(fake).mirror;
    const first = await mirror.openReturn(mirrored());
    const again = await connectorOn(fake).mirror.openReturn(mirrored());
    expect(again).toEqual(first);
    expect(order.returns).toHaveLength(1);
    expect(order.returns[0]!.returnLineItems.map((l) => [l.fulfillmentLineItem.lineItem.sku, l.quantity, l.returnReasonNote])).toEqual([
      ['TEE', 2, 'returns_graph:ret_01TEST'],
      ['MUG', 1, 'returns_graph:ret_01TEST'],
    ]);
    expect(fake.mutationNames()).toEqual(['returnCreate']);
  });

  it('refuses a return of more units than were fulfilled and left to return', async () => {
    const mirror = connectorOn(fake).mirror;
    await mirror.openReturn(mirrored('ret_A'));
    await expect(mirror.openReturn({ returnId: 'ret_B', orderExternalId: order.legacyResourceId, lines: [{ sku: 'TEE', quantity: 2 }] })).rejects.toMatchObject(
      {
        code: 'NOT_RETURNABLE',
      },
    );
    expect(await mirror.openReturn({ returnId: 'ret_C', orderExternalId: order.legacyResourceId, lines: [{ sku: 'TEE', quantity: 1 }] })).toHaveProperty(
      'externalReturnId',
    );
    await expect(mirror.openReturn({ ...mirrored('ret_D'), orderExternalId: '424242' })).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' });
  });

  it('disposes only the difference, so a repeat adds no second disposition', async () => {
    const mirror = connectorOn(fake).mirror;
    const opened = { ...mirrored(), ...(await mirror.openReturn(mirrored())) };
    const restockAt = `loc_shp_${warehouse}`;
    await mirror.disposeItems(opened, [{ sku: 'TEE', restocked: 1, notRestocked: 0, locationId: restockAt }]);
    await mirror.disposeItems(opened, [{ sku: 'TEE', restocked: 1, notRestocked: 0, locationId: restockAt }]);
    await mirror.disposeItems(opened, [
      { sku: 'TEE', restocked: 1, notRestocked: 1, locationId: restockAt },
      { sku: 'MUG', restocked: 1, notRestocked: 0, locationId: 'loc_wh_nj' },
    ]);
    await mirror.disposeItems(opened, [
      { sku: 'TEE', restocked: 1, notRestocked: 1, locationId: restockAt },
      { sku: 'MUG', restocked: 1, notRestocked: 0, locationId: 'loc_wh_nj' },
    ]);
    const dispositions = order.returns[0]!.reverseFulfillmentOrders[0]!.lineItems.flatMap((item) =>
      item.dispositions.map((d) => [item.fulfillmentLineItem.lineItem.sku, d.type, d.quantity, d.location?.legacyResourceId ?? null]),
    );
    // MUG was inspected at a warehouse Shopify does not know: it is restocked where it was fulfilled from.
    expect(dispositions).toEqual([
      ['TEE', 'RESTOCKED', 1, warehouse],
      ['TEE', 'NOT_RESTOCKED', 1, null],
      ['MUG', 'RESTOCKED', 1, warehouse],
    ]);
    expect(fake.mutationNames().filter((name) => name === 'reverseFulfillmentOrderDispose')).toHaveLength(2);
  });

  it('closes and cancels once, skipping a return already in that state', async () => {
    const mirror = connectorOn(fake).mirror;
    const closing = { ...mirrored('ret_close'), ...(await mirror.openReturn(mirrored('ret_close'))) };
    await mirror.closeReturn(closing);
    await mirror.closeReturn(closing);
    const canceling = { returnId: 'ret_cancel', orderExternalId: order.legacyResourceId, lines: [{ sku: 'TEE', quantity: 1 }] };
    const canceled = { ...canceling, ...(await mirror.openReturn(canceling)) };
    await mirror.cancelReturn(canceled);
    await mirror.cancelReturn(canceled);
    expect(order.returns.map((r) => r.status)).toEqual(['CLOSED', 'CANCELED']);
    expect(fake.mutationNames()).toEqual(['returnCreate', 'returnClose', 'returnCreate', 'returnCancel']);
    await expect(mirror.cancelReturn(closing)).rejects.toMatchObject({ name: 'ShopifyUserErrorsError', mutation: 'returnCancel' });
  });

  it('records a refund as an order metafield, idempotent by refund id, and never moves money', async () => {
    const mirror = connectorOn(fake).mirror;
    const opened = { ...mirrored(), ...(await mirror.openReturn(mirrored())) };
    const refund = { refundId: 'rfd_01XYZ', amountMinor: 4800, currency: 'USD', provider: 'stripe' };
    await mirror.recordRefund(opened, refund);
    await mirror.recordRefund(opened, refund);
    expect(order.metafields).toHaveLength(1);
    expect(order.metafields[0]).toMatchObject({ namespace: 'returns_graph', key: 'refund_rfd_01XYZ', type: 'json' });
    expect(JSON.parse(order.metafields[0]!.value)).toEqual({
      returnId: 'ret_01TEST',
      shopifyReturnId: opened.externalReturnId,
      refundId: 'rfd_01XYZ',
      amountMinor: 4800,
      amount: '48.00',
      currency: 'USD',
      provider: 'stripe',
    });
    await mirror.disposeItems(opened, [{ sku: 'TEE', restocked: 2, notRestocked: 0, locationId: `loc_shp_${warehouse}` }]);
    await mirror.closeReturn(opened);
    expect(fake.mutationNames().filter((name) => MONEY_MUTATIONS.includes(name))).toEqual([]);
    expect(order.refunds).toEqual([]);
    expect(order.transactions.every((t) => t.kind === 'SALE')).toBe(true);
  });
});

describe('return planning', () => {
  const fli = (id: string, sku: string, quantity: number) => ({ id, quantity, lineItem: { id: `li-${id}`, sku } });

  it('takes a SKU from several fulfillments and leaves out what canceled returns released', () => {
    const fulfillments = [
      { id: 'f1', status: 'SUCCESS', location: null, fulfillmentLineItems: { nodes: [fli('a', 'TEE', 1)] } },
      { id: 'f2', status: 'CANCELLED', location: null, fulfillmentLineItems: { nodes: [fli('x', 'TEE', 5)] } },
      { id: 'f3', status: 'SUCCESS', location: null, fulfillmentLineItems: { nodes: [fli('b', 'TEE', 2)] } },
    ];
    const returns = [
      { id: 'r1', status: 'OPEN', returnLineItems: { nodes: [{ quantity: 1, fulfillmentLineItem: { id: 'b' } }] } },
      { id: 'r2', status: 'CANCELED', returnLineItems: { nodes: [{ quantity: 1, fulfillmentLineItem: { id: 'a' } }] } },
    ];
    expect(planReturnLines([{ sku: 'TEE', quantity: 2 }], fulfillments, returns)).toEqual([
      { fulfillmentLineItemId: 'a', quantity: 1 },
      { fulfillmentLineItemId: 'b', quantity: 1 },
    ]);
    expect(() => planReturnLines([{ sku: 'TEE', quantity: 3 }], fulfillments, returns)).toThrow(ShopifyMirrorError);
  });

  it('plans nothing for a target Shopify already shows or passed, and refuses more than the return holds', () => {
    const items: ReverseLineItem[] = [
      {
        id: 'r1',
        totalQuantity: 2,
        dispositions: [{ type: 'RESTOCKED', quantity: 2, location: { id: 'gid://shopify/Location/1' } }],
        fulfillmentLineItem: { id: 'a', lineItem: { sku: 'TEE' } },
      },
    ];
    const context = { items, fulfilledFrom: new Map([['a', 'gid://shopify/Location/1']]), locationPrefix: 'loc_shp_' };
    expect(planDispositions([{ sku: 'TEE', restocked: 2, notRestocked: 0, locationId: 'loc_shp_1' }], context)).toEqual([]);
    expect(planDispositions([{ sku: 'TEE', restocked: 1, notRestocked: 0, locationId: 'loc_shp_1' }], context)).toEqual([]);
    expect(() => planDispositions([{ sku: 'TEE', restocked: 2, notRestocked: 1, locationId: 'loc_shp_1' }], context)).toThrow(/more unit/);
  });
});
