import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { NewOrder } from '../../../contracts/orders';
import {
  InvalidCommerceWebhookError,
  type CommerceConnector,
  type CommerceLocation,
  type CommerceProduct,
  type CommercePage,
  type MirroredDisposition,
} from '../port';

/**
 * The shared contract of the commerce port: `commerceContract(name, setup)` runs the same cases
 * over every adapter (the reference shop here, fake Shopify in connectors/commerce/shopify). An
 * adapter's test provides a `CommerceContractSetup`: the connector under test plus the few admin
 * actions of its platform (place, update, cancel an order; add a location or a product; sign a
 * webhook; read back a mirrored return). `setup()` is called once per file (`beforeAll`); the cases
 * share it and never assume the platform starts empty (each drains the feed first).
 *
 * What an adapter must provide:
 * - `connector` — the adapter, built over its platform (real, fake or reference).
 * - `seedOrder(order)` — make `order` exist on the platform (its `source` is the connector's).
 * - `updateOrder(externalId, { deliveredAt })` — change a mutable fact, so the order is "changed".
 * - `cancelOrder(externalId, at)` — cancel it on the platform.
 * - `seedLocation(n)` / `seedProduct(n)` — create the n-th test location / product (unique per call).
 * - `signedDelivery(topic, { orderExternalId })` — the raw body and headers the platform would
 *   POST for `topic` about that order, correctly signed.
 * - `readMirror(returnId)` — the platform's view of a mirrored return, or null.
 * - `teardown()` — release what setup took.
 */
export interface CommerceContractSetup {
  connector: CommerceConnector;
  seedOrder(order: NewOrder): Promise<void>;
  updateOrder(externalId: string, change: { deliveredAt: Date }): Promise<void>;
  cancelOrder(externalId: string, at: Date): Promise<void>;
  seedLocation(n: number): Promise<CommerceLocation>;
  seedProduct(n: number): Promise<CommerceProduct>;
  signedDelivery(topic: string, subject: { orderExternalId: string }): Promise<{ raw: Buffer; headers: IncomingHttpHeaders }>;
  readMirror(returnId: string): Promise<MirrorView | null>;
  teardown(): Promise<void>;
}

/** A mirrored return as the platform shows it. */
export interface MirrorView {
  externalReturnId: string;
  status: 'OPEN' | 'CLOSED' | 'CANCELED';
  /** Cumulative per SKU, in SKU order. */
  dispositions: Pick<MirroredDisposition, 'sku' | 'restocked' | 'notRestocked'>[];
  /** Refund notes by our refund id. */
  refundIds: string[];
}

/** Page size of the cases: small, so paging is exercised. */
const PAGE = 2;

/** A valid order of the graph's model for `source`: one line of two units, paid in full. */
export function contractOrder(source: string, externalId: string = `ct-${randomUUID().slice(0, 12)}`): NewOrder {
  const placedAt = new Date(Date.now() - 86_400_000);
  return {
    source,
    externalId,
    channel: 'ECOMMERCE',
    storeId: null,
    marketplacePartnerId: null,
    customerId: 'cus_contract_1',
    customerEmail: 'contract@example.com',
    customerName: 'Contract Customer',
    placedAt,
    deliveredAt: null,
    cancelledAt: null,
    currency: 'USD',
    shipping: { method: 'Standard', amountMinor: 500, taxMinor: 0 },
    lines: [
      { sku: 'SKU-CT-001', title: 'Contract Tee', category: 'apparel', quantity: 2, unitPriceMinor: 2000, discountMinor: 0, taxMinor: 320, finalSale: false },
    ],
    payments: [{ provider: 'stripe', providerReference: `ch_${externalId}`, method: 'CARD', capturedMinor: 4820, capturedAt: placedAt }],
  };
}

type Pager<T> = (cursor: string | null, limit: number) => Promise<CommercePage<T>>;

/** Reads every page from `cursor` to the end; the items in order and the final cursor. */
async function drain<T>(read: Pager<T>, cursor: string | null): Promise<{ items: T[]; cursor: string | null }> {
  const items: T[] = [];
  for (let guard = 0; guard < 10_000; guard++) {
    const page = await read(cursor, PAGE);
    items.push(...page.items);
    cursor = page.cursor;
    if (!page.hasMore) return { items, cursor };
  }
  throw new Error('the feed never said it had no more');
}

/** Flips one byte of a copy of `raw`. */
function tampered(raw: Buffer): Buffer {
  const copy = Buffer.from(raw);
  copy[copy.length - 2] = (copy[copy.length - 2] ?? 0) ^ 0x01;
  return copy;
}

/** Runs the commerce port's contract over one adapter. */
export function commerceContract(name: string, setup: () => Promise<CommerceContractSetup>): void {
  describe(`commerce contract: ${name}`, () => {
    let s: CommerceContractSetup;
    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      await s?.teardown();
    });
    const feed = () => s.connector.feed;
    const orders: Pager<NewOrder> = (cursor, limit) => feed().changedOrders(cursor, limit);

    feedCases(() => s, orders);

    it('pages locations and products after a saved cursor', async () => {
      const locationsStart = (await drain((c, l) => feed().locations(c, l), null)).cursor;
      const productsStart = (await drain((c, l) => feed().products(c, l), null)).cursor;
      const locations = [await s.seedLocation(1), await s.seedLocation(2), await s.seedLocation(3)];
      const products = [await s.seedProduct(1), await s.seedProduct(2), await s.seedProduct(3)];
      const readLocations = await drain((c, l) => feed().locations(c, l), locationsStart);
      const readProducts = await drain((c, l) => feed().products(c, l), productsStart);
      expect(readLocations.items.map((l) => l.externalId)).toEqual(locations.map((l) => l.externalId));
      expect(readLocations.items.every((l) => /^loc_/.test(l.locationId))).toBe(true);
      expect(readProducts.items.map((p) => p.sku)).toEqual(products.map((p) => p.sku));
    });

    webhookCases(() => s);
    mirrorCases(() => s);
  });
}

function feedCases(setup: () => CommerceContractSetup, orders: Pager<NewOrder>): void {
  it('pages every order once, oldest change first, and resumes from a saved cursor', async () => {
    const s = setup();
    const start = (await drain(orders, null)).cursor;
    const seeded = [];
    for (let i = 0; i < 5; i++) {
      const order = contractOrder(s.connector.source);
      await s.seedOrder(order);
      seeded.push(order.externalId);
    }
    const first = await orders(start, PAGE);
    expect(first.items).toHaveLength(PAGE);
    expect(first.hasMore).toBe(true);
    const rest = await drain(orders, first.cursor);
    const read = [...first.items, ...rest.items];
    expect(read.map((o) => o.externalId)).toEqual(seeded);
    expect(read.every((o) => o.source === s.connector.source)).toBe(true);
    expect(read[0]?.lines[0]).toMatchObject({ sku: 'SKU-CT-001', quantity: 2, unitPriceMinor: 2000 });
    expect(read[0]?.payments[0]?.capturedMinor).toBe(4820);
  });

  it('yields nothing new from the last cursor', async () => {
    const end = (await drain(orders, null)).cursor;
    const again = await orders(end, PAGE);
    expect(again.items).toEqual([]);
    expect(again.hasMore).toBe(false);
    expect(again.cursor).toBe(end);
  });

  it('yields an order again once it changed, with its new facts', async () => {
    const s = setup();
    const order = contractOrder(s.connector.source);
    await s.seedOrder(order);
    const end = (await drain(orders, null)).cursor;
    const deliveredAt = new Date(Date.now() - 3_600_000);
    await s.updateOrder(order.externalId, { deliveredAt });
    const changed = (await drain(orders, end)).items;
    expect(changed.map((o) => o.externalId)).toEqual([order.externalId]);
    expect(changed[0]?.deliveredAt?.getTime()).toBe(deliveredAt.getTime());
  });

  it('yields a cancelled order again with when it was cancelled', async () => {
    const s = setup();
    const order = contractOrder(s.connector.source);
    await s.seedOrder(order);
    const end = (await drain(orders, null)).cursor;
    const at = new Date(Date.now() - 60_000);
    await s.cancelOrder(order.externalId, at);
    const changed = (await drain(orders, end)).items;
    expect(changed.map((o) => o.externalId)).toEqual([order.externalId]);
    expect(changed[0]?.cancelledAt?.getTime()).toBe(at.getTime());
  });
}

function webhookCases(setup: () => CommerceContractSetup): void {
  it('verifies a good delivery and refuses a tampered body or signature, as 401', async () => {
    const s = setup();
    const order = contractOrder(s.connector.source);
    await s.seedOrder(order);
    const { raw, headers } = await s.signedDelivery('orders/create', { orderExternalId: order.externalId });
    const delivery = s.connector.webhooks.verify(raw, headers);
    expect(delivery.topic).toBe('orders/create');
    expect(delivery.deliveryId).toEqual(expect.any(String));
    expect(s.connector.webhooks.verify(raw, headers).deliveryId).toBe(delivery.deliveryId);
    const refusal = (body: Buffer, h: IncomingHttpHeaders) => {
      try {
        s.connector.webhooks.verify(body, h);
        return null;
      } catch (error) {
        return error;
      }
    };
    const badBody = refusal(tampered(raw), headers);
    expect(badBody).toBeInstanceOf(InvalidCommerceWebhookError);
    expect((badBody as InvalidCommerceWebhookError).status).toBe(401);
    const signatureHeader = Object.keys(headers).find((h) => /hmac|signature/i.test(h)) as string;
    const forged = { ...headers, [signatureHeader]: Buffer.from('x'.repeat(32)).toString('base64') };
    expect((refusal(raw, forged) as InvalidCommerceWebhookError).status).toBe(401);
  });

  it('interprets an order delivery as the order', async () => {
    const s = setup();
    const order = contractOrder(s.connector.source);
    await s.seedOrder(order);
    const { raw, headers } = await s.signedDelivery('orders/create', { orderExternalId: order.externalId });
    const delivery = s.connector.webhooks.verify(raw, headers);
    const change = await s.connector.webhooks.interpret(delivery.topic, raw);
    expect(change.kind).toBe('order');
    if (change.kind !== 'order') return;
    expect(change.order).toMatchObject({ source: s.connector.source, externalId: order.externalId, currency: 'USD' });
    expect(change.updatedAt).toBeInstanceOf(Date);
  });
}

function mirrorCases(setup: () => CommerceContractSetup): void {
  const opened = async () => {
    const s = setup();
    const order = contractOrder(s.connector.source);
    await s.seedOrder(order);
    const ret = {
      returnId: `ret_${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`,
      orderExternalId: order.externalId,
      lines: [{ sku: 'SKU-CT-001', quantity: 2 }],
    };
    const { externalReturnId } = await s.connector.mirror.openReturn(ret);
    return { s, ret: { ...ret, externalReturnId } };
  };

  it('opens a return once: a second open answers the same external id', async () => {
    const { s, ret } = await opened();
    const again = await s.connector.mirror.openReturn(ret);
    expect(again.externalReturnId).toBe(ret.externalReturnId);
    expect(await s.readMirror(ret.returnId)).toMatchObject({ externalReturnId: ret.externalReturnId, status: 'OPEN' });
  });

  it('applies cumulative dispositions without doubling a repeat, then closes', async () => {
    const { s, ret } = await opened();
    const one: MirroredDisposition[] = [{ sku: 'SKU-CT-001', restocked: 1, notRestocked: 0, locationId: 'loc_wh_nj' }];
    await s.connector.mirror.disposeItems(ret, one);
    await s.connector.mirror.disposeItems(ret, one);
    expect((await s.readMirror(ret.returnId))?.dispositions).toEqual([{ sku: 'SKU-CT-001', restocked: 1, notRestocked: 0 }]);
    await s.connector.mirror.disposeItems(ret, [{ sku: 'SKU-CT-001', restocked: 1, notRestocked: 1, locationId: 'loc_wh_nj' }]);
    expect((await s.readMirror(ret.returnId))?.dispositions).toEqual([{ sku: 'SKU-CT-001', restocked: 1, notRestocked: 1 }]);
    await s.connector.mirror.closeReturn(ret);
    await s.connector.mirror.closeReturn(ret);
    expect((await s.readMirror(ret.returnId))?.status).toBe('CLOSED');
  });

  it('cancels a return', async () => {
    const { s, ret } = await opened();
    await s.connector.mirror.cancelReturn(ret);
    expect((await s.readMirror(ret.returnId))?.status).toBe('CANCELED');
  });

  it('notes a refund once however often it is recorded', async () => {
    const { s, ret } = await opened();
    const refund = { refundId: `rfd_${randomUUID().replace(/-/g, '').slice(0, 26).toUpperCase()}`, amountMinor: 2160, currency: 'USD', provider: 'stripe' };
    await s.connector.mirror.recordRefund(ret, refund);
    await s.connector.mirror.recordRefund(ret, refund);
    expect((await s.readMirror(ret.returnId))?.refundIds).toEqual([refund.refundId]);
  });
}
