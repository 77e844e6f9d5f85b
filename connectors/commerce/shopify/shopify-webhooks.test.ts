import { createServer } from 'node:http';
import { InvalidCommerceWebhookError } from '../port';
import { connectorOn } from './testing/connector-kit';
import { FakeShopify } from './testing/fake-shopify-server';

describe('ShopifyWebhooks', () => {
  let fake: FakeShopify;
  beforeEach(async () => {
    fake = await FakeShopify.start();
  });
  afterEach(async () => {
    await fake.stop();
  });

  function verifyError(run: () => unknown): InvalidCommerceWebhookError {
    try {
      run();
    } catch (error) {
      if (error instanceof InvalidCommerceWebhookError) return error;
      throw error;
    }
    throw new Error('expected a refusal');
  }

  describe('verify', () => {
    it('accepts a delivery signed with the app secret and names it by its event id', () => {
      const order = fake.seedOrder({ lines: [{ sku: 'A', price: '1.00' }] });
      const { rawBody, headers } = fake.webhook('orders/create', fake.orderPayload(order.id), { eventId: 'evt-1' });
      const delivery = connectorOn(fake).webhooks.verify(rawBody, headers);
      expect(delivery).toEqual({ deliveryId: 'evt-1', topic: 'orders/create', occurredAt: new Date(headers['x-shopify-triggered-at'] as string) });
    });

    it('falls back to X-Shopify-Webhook-Id without an event id', () => {
      const { rawBody, headers } = fake.webhook('orders/create', { id: 1 }, { withoutEventId: true });
      expect(connectorOn(fake).webhooks.verify(rawBody, headers).deliveryId).toBe(headers['x-shopify-webhook-id']);
    });

    it('refuses a tampered body, a tampered signature and a missing signature with 401', () => {
      const webhooks = connectorOn(fake).webhooks;
      for (const tamper of ['body', 'signature', 'no-signature'] as const) {
        const { rawBody, headers } = fake.webhook('orders/create', { id: 1 }, { tamper });
        expect(verifyError(() => webhooks.verify(rawBody, headers)).status).toBe(401);
      }
    });

    it('refuses a signature of the wrong length and a missing topic with 401', () => {
      const webhooks = connectorOn(fake).webhooks;
      const { rawBody, headers } = fake.webhook('orders/create', { id: 1 });
      expect(verifyError(() => webhooks.verify(rawBody, { ...headers, 'x-shopify-hmac-sha256': 'c2hvcnQ=' })).message).toMatch(/signature/);
      const { 'x-shopify-topic': _topic, ...withoutTopic } = headers;
      expect(verifyError(() => webhooks.verify(rawBody, withoutTopic)).message).toMatch(/Topic/);
    });

    it('receives a delivery sent over HTTP exactly as signed', async () => {
      const webhooks = connectorOn(fake).webhooks;
      const seen: string[] = [];
      const receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          try {
            seen.push(webhooks.verify(Buffer.concat(chunks), req.headers).topic);
            res.writeHead(200).end();
          } catch (error) {
            res.writeHead((error as InvalidCommerceWebhookError).status ?? 500).end();
          }
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhooks/shopify`;
      try {
        expect((await fake.sendWebhook(url, 'orders/paid', { id: 5 })).status).toBe(200);
        expect((await fake.sendWebhook(url, 'orders/paid', { id: 5 }, { tamper: 'body' })).status).toBe(401);
        expect(seen).toEqual(['orders/paid']);
      } finally {
        await new Promise<void>((resolve) => receiver.close(() => resolve()));
      }
    });
  });

  describe('interpret', () => {
    it('reads the order as it is now for every order topic', async () => {
      const order = fake.seedOrder({ lines: [{ sku: 'A', price: '12.00' }] });
      const payload = fake.orderPayload(order.id);
      fake.cancelOrder(order.id);
      const change = await connectorOn(fake).webhooks.interpret('orders/create', Buffer.from(JSON.stringify(payload)));
      expect(change).toMatchObject({
        kind: 'order',
        order: { source: 'shopify', externalId: order.legacyResourceId, lines: [{ sku: 'A', unitPriceMinor: 1200 }] },
      });
      if (change.kind !== 'order') throw new Error('not an order');
      expect(change.order.cancelledAt).toEqual(new Date(order.cancelledAt as string));
      expect(change.updatedAt).toEqual(new Date(order.updatedAt));
    });

    it('maps a refund Shopify made to the payment references of the order', async () => {
      const order = fake.seedOrder({
        lines: [{ sku: 'A', price: '30.00' }],
        payments: [{ gateway: 'stripe', amount: '30.00', receiptJson: { payment_intent: 'pi_abc' } }],
      });
      const refund = fake.refundOrder(order.id, '12.50');
      const change = await connectorOn(fake).webhooks.interpret('refunds/create', Buffer.from(JSON.stringify(fake.refundPayload(refund))));
      expect(change).toEqual({
        kind: 'refund',
        refund: {
          externalId: refund.id.split('/').pop(),
          orderExternalId: order.legacyResourceId,
          transactions: [{ provider: 'stripe', providerReference: 'pi_abc', amountMinor: 1250 }],
          refundedAt: new Date(refund.createdAt),
        },
      });
    });

    it('reports a return change with its order and status', async () => {
      const order = fake.seedOrder({ lines: [{ sku: 'A', price: '30.00' }] });
      fake.fulfilOrder(order.id);
      const connector = connectorOn(fake);
      const { externalReturnId } = await connector.mirror.openReturn({
        returnId: 'ret_1',
        orderExternalId: order.legacyResourceId,
        lines: [{ sku: 'A', quantity: 1 }],
      });
      const ret = order.returns[0]!;
      ret.status = 'CLOSED';
      const change = await connector.webhooks.interpret('returns/close', Buffer.from(JSON.stringify(fake.returnPayload(ret))));
      expect(change).toEqual({ kind: 'return', orderExternalId: order.legacyResourceId, externalReturnId, status: 'CLOSED', updatedAt: null });
      // A body without the order: the return is read to find it.
      const bare = await connector.webhooks.interpret('returns/approve', Buffer.from(JSON.stringify({ id: Number(ret.id.split('/').pop()) })));
      expect(bare).toMatchObject({ kind: 'return', orderExternalId: order.legacyResourceId, status: 'OPEN' });
    });

    it('ignores other topics, deleted orders and orders the graph cannot hold', async () => {
      const webhooks = connectorOn(fake).webhooks;
      expect(await webhooks.interpret('products/update', Buffer.from('{"id":1}'))).toEqual({
        kind: 'ignored',
        reason: 'topic products/update is not used by the graph',
      });
      expect(await webhooks.interpret('orders/updated', Buffer.from('{"id":999999}'))).toMatchObject({ kind: 'ignored' });
      const tip = fake.seedOrder({ lines: [{ sku: null, title: 'Tip', price: '1.00' }] });
      expect(await webhooks.interpret('orders/paid', Buffer.from(JSON.stringify(fake.orderPayload(tip.id))))).toMatchObject({
        kind: 'ignored',
        reason: expect.stringMatching(/NO_SKU_LINES/),
      });
    });

    it('refuses an unreadable body with 400', async () => {
      const webhooks = connectorOn(fake).webhooks;
      await expect(webhooks.interpret('orders/create', Buffer.from('not json'))).rejects.toMatchObject({ name: 'InvalidCommerceWebhookError', status: 400 });
      await expect(webhooks.interpret('orders/create', Buffer.from('[1]'))).rejects.toMatchObject({ status: 400 });
      await expect(webhooks.interpret('orders/create', Buffer.from('{"name":"#1"}'))).rejects.toMatchObject({ status: 400 });
    });
  });
});
