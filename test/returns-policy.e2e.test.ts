import { randomUUID } from 'node:crypto';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { ago, codes, lineInput, mutate, mutateOk, recordOrder, unchangedBy, type OrderSpec, type RecordedOrder } from './support/returns-kit';

/**
 * The one return policy, applied through the API (the default policy: 30 days, electronics 14,
 * from delivery online and from purchase at POS; final sale not returnable; manager approval
 * above 500.00; fraud review at 3 returns in 30 days, decline at 5; receipt-less → review).
 */
let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

const ELIGIBILITY = `query($orderId: ID!, $channel: Channel!) {
  returnEligibility(orderId: $orderId, channel: $channel) {
    eligible policyVersion refundMethods
    lines { orderLine { id } sku orderedQuantity returnableQuantity windowEndsAt eligible reasons { code message } }
  }
}`;

type Eligibility = {
  returnEligibility: {
    eligible: boolean;
    policyVersion: number;
    refundMethods: string[];
    lines: {
      orderLine: { id: string };
      sku: string;
      orderedQuantity: number;
      returnableQuantity: number;
      windowEndsAt: string | null;
      eligible: boolean;
      reasons: { code: string }[];
    }[];
  };
};

const DAY_MS = 24 * 60 * 60 * 1000;
const customer = () => `cus_t_${randomUUID().slice(0, 8)}`;
const record = (spec: Omit<OrderSpec, 'customerId'> & { customerId?: string }) => recordOrder(t, t.database.db, { customerId: customer(), ...spec });

async function eligibility(order: RecordedOrder, channel = 'ECOMMERCE') {
  const response = await t.query<Eligibility>(principals.serviceDesk(), ELIGIBILITY, { orderId: order.id, channel });
  expect(response.errors).toBeUndefined();
  return response.data?.returnEligibility as Eligibility['returnEligibility'];
}

const asCustomer = (order: RecordedOrder) => principals.customer(order.customerId);

describe('return windows', () => {
  it('accepts a web order delivered just under 30 days ago and ends its window exactly 30 days after delivery', async () => {
    const deliveredAt = ago(30, -1);
    const order = await record({ placedAt: ago(33), deliveredAt, lines: [{ sku: 'SKU-FTW-001', category: 'footwear', quantity: 1 }] });
    const verdict = await eligibility(order);
    expect(verdict.eligible).toBe(true);
    expect(verdict.policyVersion).toBe(1);
    expect(verdict.lines[0]?.windowEndsAt).toBe(new Date(deliveredAt.getTime() + 30 * DAY_MS).toISOString());
    const created = await mutateOk(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(order.lines[0]?.id as string)],
    });
    expect(created.status).toBe('AUTHORIZED');
  });

  it('refuses a web order delivered 30 days and a minute ago with WINDOW_EXPIRED and writes nothing', async () => {
    const order = await record({ placedAt: ago(33), deliveredAt: ago(30, 1), lines: [{ sku: 'SKU-FTW-001', category: 'footwear', quantity: 1 }] });
    const verdict = await eligibility(order);
    expect(verdict.eligible).toBe(false);
    expect(verdict.lines[0]).toMatchObject({ eligible: false, returnableQuantity: 0, reasons: [{ code: 'WINDOW_EXPIRED' }] });
    let result: Awaited<ReturnType<typeof mutate>> | undefined;
    const { before, after } = await unchangedBy(t.database.db, async () => {
      result = await mutate(t, asCustomer(order), 'requestReturn', {
        orderId: order.id,
        channel: 'ECOMMERCE',
        lines: [lineInput(order.lines[0]?.id as string)],
      });
    });
    expect(result?.payload?.return).toBeNull();
    expect(result?.payload?.userErrors).toEqual([expect.objectContaining({ code: 'WINDOW_EXPIRED', field: ['input', 'lines', '0', 'orderLineId'] })]);
    expect(after).toEqual(before);
  });

  it('gives electronics 14 days while other lines of the same order keep 30', async () => {
    const order = await record({
      placedAt: ago(17),
      deliveredAt: ago(14, 1),
      lines: [
        { sku: 'SKU-FTW-002', category: 'footwear', quantity: 1 },
        { sku: 'SKU-ELE-003', category: 'electronics', quantity: 1 },
      ],
    });
    const verdict = await eligibility(order, 'POS');
    const bySku = new Map(verdict.lines.map((line) => [line.sku, line]));
    expect(bySku.get('SKU-FTW-002')).toMatchObject({ eligible: true, returnableQuantity: 1, reasons: [] });
    expect(bySku.get('SKU-ELE-003')).toMatchObject({ eligible: false, reasons: [{ code: 'WINDOW_EXPIRED' }] });
    const result = await mutate(t, principals.storeAssociate('loc_store_nyc'), 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_nyc',
      lines: order.lines.map((line) => lineInput(line.id)),
    });
    expect(codes(result)).toEqual(['WINDOW_EXPIRED']);
    expect(result.payload?.userErrors[0]?.field).toEqual(['input', 'lines', '1', 'orderLineId']);
  });

  it('counts a POS order from its purchase, not its delivery', async () => {
    const order = await record({
      channel: 'POS',
      storeId: 'loc_store_sfo',
      placedAt: ago(30, 1),
      deliveredAt: ago(30, 1),
      lines: [{ sku: 'SKU-APP-001', category: 'apparel', quantity: 1 }],
    });
    const verdict = await eligibility(order, 'POS');
    expect(verdict.lines[0]?.reasons.map((reason) => reason.code)).toEqual(['WINDOW_EXPIRED']);
  });
});

describe('final sale and quantities across channels', () => {
  it('refuses a final-sale line with FINAL_SALE while its other lines stay returnable', async () => {
    const order = await record({
      lines: [
        { sku: 'SKU-APP-008', category: 'apparel', quantity: 1, finalSale: true },
        { sku: 'SKU-APP-001', category: 'apparel', quantity: 1 },
      ],
    });
    const verdict = await eligibility(order);
    expect(verdict.eligible).toBe(true);
    expect(verdict.lines.map((line) => [line.sku, line.returnableQuantity, line.reasons.map((reason) => reason.code)])).toEqual([
      ['SKU-APP-008', 0, ['FINAL_SALE']],
      ['SKU-APP-001', 1, []],
    ]);
    const { before, after } = await unchangedBy(t.database.db, async () => {
      const result = await mutate(t, asCustomer(order), 'requestReturn', {
        orderId: order.id,
        channel: 'ECOMMERCE',
        lines: [lineInput(order.lines[0]?.id as string)],
      });
      expect(result.payload?.userErrors).toEqual([expect.objectContaining({ code: 'FINAL_SALE', field: ['input', 'lines', '0', 'orderLineId'] })]);
    });
    expect(after).toEqual(before);
  });

  it('shares an order line quantity across channels: 1 online, 2 at POS, then QUANTITY_EXCEEDS_RETURNABLE', async () => {
    const order = await record({ lines: [{ sku: 'SKU-HOM-001', category: 'home', quantity: 3 }] });
    const lineId = order.lines[0]?.id as string;
    const online = await mutateOk(t, asCustomer(order), 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(lineId, 1)] });
    expect(online).toMatchObject({ status: 'AUTHORIZED', channel: 'ECOMMERCE', destinationLocationId: 'loc_wh_nj' });
    expect((await eligibility(order, 'POS')).lines[0]?.returnableQuantity).toBe(2);

    const associate = principals.storeAssociate('loc_store_chi');
    const counter = await mutateOk(t, associate, 'authorizeReturn', {
      orderId: order.id,
      channel: 'POS',
      storeId: 'loc_store_chi',
      lines: [lineInput(lineId, 2)],
    });
    expect(counter).toMatchObject({ status: 'AUTHORIZED', channel: 'POS', storeId: 'loc_store_chi', destinationLocationId: 'loc_store_chi' });

    const verdict = await eligibility(order, 'POS');
    expect(verdict.eligible).toBe(false);
    expect(verdict.lines[0]).toMatchObject({ returnableQuantity: 0, reasons: [{ code: 'NOTHING_LEFT_TO_RETURN' }] });
    const { before, after } = await unchangedBy(t.database.db, async () => {
      const more = await mutate(t, associate, 'authorizeReturn', {
        orderId: order.id,
        channel: 'POS',
        storeId: 'loc_store_chi',
        lines: [lineInput(lineId, 1)],
      });
      expect(codes(more)).toEqual(['QUANTITY_EXCEEDS_RETURNABLE']);
      expect(more.payload?.userErrors[0]?.field).toEqual(['input', 'lines', '0', 'quantity']);
    });
    expect(after).toEqual(before);

    // A canceled return gives its units back.
    await mutateOk(t, asCustomer(order), 'cancelReturn', { returnId: online.id });
    expect((await eligibility(order, 'POS')).lines[0]?.returnableQuantity).toBe(1);
  });

  it('refuses more units than remain with QUANTITY_EXCEEDS_RETURNABLE naming how many are left', async () => {
    const order = await record({ lines: [{ sku: 'SKU-BEA-001', category: 'beauty', quantity: 2 }] });
    const result = await mutate(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'MOBILE',
      lines: [lineInput(order.lines[0]?.id as string, 3)],
    });
    expect(codes(result)).toEqual(['QUANTITY_EXCEEDS_RETURNABLE']);
    expect(result.payload?.userErrors[0]?.message).toContain('Only 2 unit(s)');
  });
});

describe('fraud screening and approval thresholds', () => {
  it('authorizes a first, small return at once (fraud APPROVE, AUTO_APPROVE)', async () => {
    const order = await record({ lines: [{ sku: 'SKU-APP-002', category: 'apparel', quantity: 1 }] });
    const created = await mutateOk(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(order.lines[0]?.id as string)],
    });
    expect(created).toMatchObject({ status: 'AUTHORIZED', approval: 'AUTO_APPROVE', fraudAssessment: { outcome: 'APPROVE', reasons: [] } });
  });

  it('escalates the third and fourth return in 30 days to review and declines the fifth', async () => {
    const order = await record({ lines: [{ sku: 'SKU-HOM-003', category: 'home', quantity: 20 }] });
    const lineId = order.lines[0]?.id as string;
    const request = () => mutateOk(t, asCustomer(order), 'requestReturn', { orderId: order.id, channel: 'ECOMMERCE', lines: [lineInput(lineId)] });
    const statuses: [string, string][] = [];
    for (let i = 0; i < 5; i++) {
      const created = await request();
      statuses.push([created.status, created.fraudAssessment.outcome]);
      if (i === 4) {
        expect(created.declineReason).toBe('FRAUD_SIGNALS');
        expect(created.fraudAssessment.reasons).toContainEqual({ signal: 'RETURNS_IN_30_DAYS', outcome: 'DECLINE' });
        expect(created.lines[0]?.state).toBe('CLOSED');
      }
    }
    expect(statuses).toEqual([
      ['AUTHORIZED', 'APPROVE'],
      ['AUTHORIZED', 'APPROVE'],
      ['REQUESTED', 'REVIEW'],
      ['REQUESTED', 'REVIEW'],
      ['DECLINED', 'DECLINE'],
    ]);
    // The declined return does not count, so the next one is the fifth again: authorizeReturn refuses it.
    const { before, after } = await unchangedBy(t.database.db, async () => {
      const counter = await mutate(t, principals.storeManager('loc_store_nyc'), 'authorizeReturn', {
        orderId: order.id,
        channel: 'POS',
        storeId: 'loc_store_nyc',
        lines: [lineInput(lineId)],
      });
      expect(codes(counter)).toEqual(['DECLINED_BY_POLICY']);
    });
    expect(after).toEqual(before);
  });

  it('sends a receipt-less counter return to a manager: MANAGER_APPROVAL_REQUIRED for an associate, AUTHORIZED for the manager', async () => {
    const order = await record({ lines: [{ sku: 'SKU-APP-003', category: 'apparel', quantity: 1 }] });
    const input = { orderId: order.id, channel: 'POS', storeId: 'loc_store_nyc', receiptPresented: false, lines: [lineInput(order.lines[0]?.id as string)] };
    const { before, after } = await unchangedBy(t.database.db, async () => {
      const refused = await mutate(t, principals.storeAssociate('loc_store_nyc'), 'authorizeReturn', input);
      expect(codes(refused)).toEqual(['MANAGER_APPROVAL_REQUIRED']);
      expect(refused.payload?.userErrors[0]?.message).toContain('review');
    });
    expect(after).toEqual(before);
    const created = await mutateOk(t, principals.storeManager('loc_store_nyc'), 'authorizeReturn', input);
    expect(created).toMatchObject({ status: 'AUTHORIZED', fraudAssessment: { outcome: 'REVIEW', reasons: [{ signal: 'RECEIPTLESS', outcome: 'REVIEW' }] } });
  });

  it('needs a manager above 500.00 and leaves a 200.00–500.00 self-service request for approval', async () => {
    const order = await record({
      lines: [
        { sku: 'SKU-ELE-002', category: 'electronics', quantity: 2, unitPrice: '299.00' },
        { sku: 'SKU-FTW-002', category: 'footwear', quantity: 1, unitPrice: '250.00' },
      ],
    });
    const [headphones, boots] = order.lines.map((line) => line.id) as [string, string];
    const request = await mutateOk(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(boots, 1, 'SIZE_TOO_SMALL')],
    });
    expect(request).toMatchObject({
      status: 'REQUESTED',
      approval: 'NEEDS_APPROVAL',
      fraudAssessment: { outcome: 'APPROVE' },
      value: { amount: '250.00', currencyCode: 'USD' },
    });

    const counter = { orderId: order.id, channel: 'POS', storeId: 'loc_store_aus', lines: [lineInput(headphones, 2, 'DEFECTIVE')] };
    const refused = await mutate(t, principals.storeAssociate('loc_store_aus'), 'authorizeReturn', counter);
    expect(codes(refused)).toEqual(['MANAGER_APPROVAL_REQUIRED']);
    const created = await mutateOk(t, principals.storeManager('loc_store_aus'), 'authorizeReturn', counter);
    expect(created).toMatchObject({ status: 'AUTHORIZED', approval: 'NEEDS_MANAGER_APPROVAL', value: { amount: '598.00' } });
  });

  it('charges the electronics restocking fee for an unwanted unit but not for a defective one', async () => {
    const order = await record({ lines: [{ sku: 'SKU-ELE-001', category: 'electronics', quantity: 2, unitPrice: '100.00' }] });
    const lineId = order.lines[0]?.id as string;
    const unwanted = await mutateOk(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(lineId, 1, 'UNWANTED')],
    });
    expect(unwanted.lines[0]).toMatchObject({ netValue: { amount: '100.00' }, restockingFee: { amount: '15.00' } });
    const defective = await mutateOk(t, asCustomer(order), 'requestReturn', {
      orderId: order.id,
      channel: 'ECOMMERCE',
      lines: [lineInput(lineId, 1, 'DEFECTIVE')],
    });
    expect(defective.lines[0]?.restockingFee.amount).toBe('0.00');
  });
});
