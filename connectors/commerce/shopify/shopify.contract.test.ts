import { randomUUID } from 'node:crypto';
import type { NewOrder } from '../../../contracts/orders';
import { formatMinor } from '../../../platform/money';
import { commerceContract, type MirrorView } from '../testing/commerce.contract';
import { categoryOf } from './shopify-order-mapping';
import { locationIdOf } from './shopify-ids';
import { returnMarker, METAFIELD_NAMESPACE } from './shopify-mirror';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';
import type { ReturnRecord } from './testing/fake-records';

/** Minor units as the decimal string Shopify shows. */
const decimal = (minor: number, currency: string) => formatMinor(minor, currency);

commerceContract('Shopify (fake Shopify)', async () => {
  const fake = await FakeShopify.start();
  const warehouse = fake.seedLocation({ name: 'Contract warehouse', city: 'Newark' });
  const connector = connectorOn(fake);

  const findReturn = (returnId: string): ReturnRecord | null =>
    fake.store.orders.flatMap((o) => o.returns).find((r) => r.returnLineItems.some((line) => line.returnReasonNote === returnMarker(returnId))) ?? null;

  return {
    connector,
    /**
     * Shopify assigns order ids: the order is placed and fulfilled (returns need fulfilled units),
     * and the id Shopify gave it is written back into `order.externalId`, which the contract reads
     * after seeding.
     */
    async seedOrder(order: NewOrder) {
      const record = fake.seedOrder({
        currency: order.currency,
        customer: { id: '1', name: order.customerName ?? 'Contract Customer', email: order.customerEmail },
        lines: order.lines.map((line) => ({
          sku: line.sku,
          title: line.title,
          quantity: line.quantity,
          price: decimal(line.unitPriceMinor, order.currency),
          ...(line.discountMinor > 0 && { discount: decimal(line.discountMinor, order.currency) }),
          ...(line.taxMinor > 0 && { tax: decimal(line.taxMinor, order.currency) }),
          productType: line.category,
        })),
        shipping: order.shipping
          ? [
              {
                title: order.shipping.method,
                price: decimal(order.shipping.amountMinor, order.currency),
                ...(order.shipping.taxMinor > 0 && { tax: decimal(order.shipping.taxMinor, order.currency) }),
              },
            ]
          : [],
        payments: order.payments.map((p) => ({
          gateway: p.provider,
          amount: decimal(p.capturedMinor, order.currency),
          receiptJson: { charge: p.providerReference },
        })),
      });
      const fulfillment = fake.fulfilOrder(record.legacyResourceId, { locationId: warehouse.legacyResourceId });
      if (order.deliveredAt) fulfillment.deliveredAt = order.deliveredAt.toISOString();
      order.externalId = record.legacyResourceId;
    },
    async updateOrder(externalId, { deliveredAt }) {
      const order = fake.store.order(externalId);
      for (const fulfillment of order.fulfillments) fulfillment.deliveredAt = deliveredAt.toISOString();
      fake.store.touch(order);
    },
    async cancelOrder(externalId, at) {
      const order = fake.store.order(externalId);
      order.cancelledAt = at.toISOString();
      fake.store.touch(order);
    },
    async seedLocation(n) {
      const location = fake.seedLocation({ name: `Contract store ${n}`, city: 'Boston' });
      return { externalId: location.id, locationId: locationIdOf(location.id), name: location.name, kind: 'STORE' as const, city: 'Boston' };
    },
    async seedProduct(n) {
      const sku = `SKU-CT-P${n}-${randomUUID().slice(0, 8)}`;
      const variant = fake.seedVariant({ sku, productTitle: `Contract product ${n}`, productType: 'Apparel' });
      return { sku, title: variant.displayName, category: categoryOf('Apparel'), externalId: variant.id };
    },
    async signedDelivery(topic, { orderExternalId }) {
      const { rawBody, headers } = fake.webhook(topic, fake.orderPayload(orderExternalId));
      return { raw: rawBody, headers };
    },
    async readMirror(returnId): Promise<MirrorView | null> {
      const ret = findReturn(returnId);
      if (!ret) return null;
      const totals = new Map<string, { restocked: number; notRestocked: number }>();
      for (const item of ret.reverseFulfillmentOrders.flatMap((rfo) => rfo.lineItems)) {
        for (const d of item.dispositions) {
          const sku = item.fulfillmentLineItem.lineItem.sku ?? '';
          const total = totals.get(sku) ?? { restocked: 0, notRestocked: 0 };
          if (d.type === 'RESTOCKED') total.restocked += d.quantity;
          if (d.type === 'NOT_RESTOCKED') total.notRestocked += d.quantity;
          totals.set(sku, total);
        }
      }
      const refundIds = ret.order.metafields
        .filter((m) => m.namespace === METAFIELD_NAMESPACE && m.key.startsWith('refund_'))
        .map((m) => JSON.parse(m.value) as { returnId: string; refundId: string })
        .filter((note) => note.returnId === returnId)
        .map((note) => note.refundId);
      return {
        externalReturnId: ret.id,
        status: ret.status as MirrorView['status'],
        dispositions: [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([sku, t]) => ({ sku, ...t })),
        refundIds,
      };
    },
    teardown: () => fake.stop(),
  };
});
