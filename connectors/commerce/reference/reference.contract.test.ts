import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { commerceContract, contractOrder, type MirrorView } from '../testing/commerce.contract';
import { ReferenceCommerce } from './reference-commerce';

/** The secret the tests sign with; any string of 16+ characters. */
const SECRET = 'reference-contract-secret';

commerceContract('reference shop', async () => {
  const database: TestDatabase = await createTestDatabase();
  const shop = new ReferenceCommerce(database.db, { webhookSecret: SECRET });
  return {
    connector: shop,
    async seedOrder(order) {
      await shop.putOrder(order);
    },
    async updateOrder(externalId, { deliveredAt }) {
      await shop.updateOrder(externalId, (order) => ({ ...order, deliveredAt }));
    },
    async cancelOrder(externalId, at) {
      await shop.cancelOrder(externalId, at);
    },
    async seedLocation(n) {
      const id = `${Date.now().toString(36)}_${n}`;
      const location = { externalId: `ref-loc-${id}`, locationId: `loc_ref_${id}`, name: `Reference ${n}`, kind: 'STORE' as const, city: 'Newark' };
      await shop.putLocation(location);
      return location;
    },
    async seedProduct(n) {
      const id = `${Date.now().toString(36)}-${n}`;
      const product = { sku: `SKU-REF-${id}`, title: `Reference ${n}`, category: 'general', externalId: `ref-var-${id}` };
      await shop.putProduct(product);
      return product;
    },
    async signedDelivery(topic, { orderExternalId }) {
      const order = (await shop.order(orderExternalId)) ?? contractOrder(shop.source, orderExternalId);
      return shop.sign(topic, JSON.stringify({ order, updatedAt: new Date().toISOString() }));
    },
    async readMirror(returnId): Promise<MirrorView | null> {
      const { rows } = await database.db.query<{
        external_return_id: string;
        status: MirrorView['status'];
        dispositions: Record<string, { restocked: number; notRestocked: number }>;
      }>(`SELECT external_return_id, status, dispositions FROM commerce_ref.returns WHERE return_id = $1`, [returnId]);
      const row = rows[0];
      if (!row) return null;
      const notes = await database.db.query<{ refund_id: string }>(
        `SELECT refund_id FROM commerce_ref.return_refund_notes WHERE return_id = $1 ORDER BY refund_id`,
        [returnId],
      );
      return {
        externalReturnId: row.external_return_id,
        status: row.status,
        dispositions: Object.entries(row.dispositions)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([sku, d]) => ({ sku, restocked: d.restocked, notRestocked: d.notRestocked })),
        refundIds: notes.rows.map((note) => note.refund_id),
      };
    },
    teardown: () => database.drop(),
  };
});
