import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestGraph, type TestGraph } from './support/graph';
import { TEST_SETTINGS } from './support/settings';
import { principals } from './support/principals';
import { mutateOk, waitForSnapshots } from './support/returns-kit';
import { FakeShopify } from '../connectors/commerce/shopify/testing';
import { toJsonObject, toX12, type LogicalMessage } from '../connectors/warehouse/testing/encode';
import { signWarehouseWebhook } from '../connectors/warehouse/webhook/signature';

/**
 * The journey the commerce and warehouse connectors exist for, end to end through real
 * PostgreSQL, the event pipeline and the gateway: a Shopify order arrives by webhook; the customer
 * requests a return in the graph; the return appears in (fake) Shopify; a 3PL's X12 944 file
 * dropped in the warehouse folder receives it; the inspection comes by signed warehouse webhook;
 * the refund is paid by our payment connector (the simulated gateway), never by Shopify; and the
 * return closes in Shopify — with stock states checked at each step.
 */

const WAREHOUSE = 'tpl-east';
const WAREHOUSE_SECRET = 'tpl-east-signing-secret-0123456789abcdef';
/** The demo retailer's returns warehouse: always registered, even without the demo orders. */
const RETURNS_WAREHOUSE = 'loc_wh_nj';
const SKU = 'SHP-JACKET-M';
/** Long enough for relay, bus, consumers, the refund executor's settlement and the mirror's calls. */
const STEP_WAIT_MS = 30_000;

let shopify: FakeShopify;
let graph: TestGraph;
let dropDir: string;

beforeAll(async () => {
  shopify = await FakeShopify.start();
  dropDir = mkdtempSync(join(tmpdir(), 'rg-3pl-drop-'));
  graph = await startTestGraph({
    seed: false,
    settings: {
      ...TEST_SETTINGS,
      commerce: { connector: 'shopify', ...shopify.connectorOptions() },
      warehouse: { secrets: { [WAREHOUSE]: WAREHOUSE_SECRET }, signatureToleranceSeconds: 300, dropDir, dropPollMs: 100 },
    },
  });
}, 90_000);

afterAll(async () => {
  await graph?.close();
  await shopify?.stop();
  rmSync(dropDir, { recursive: true, force: true });
});

const subgraphUrl = (name: string): string => graph.graph.subgraphs.find((subgraph) => subgraph.name === name)?.url ?? '';

/** Polls `probe` until it answers something truthy. */
async function eventually<T>(what: string, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + STEP_WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

interface OrderView {
  id: string;
  source: string;
  externalId: string;
  customer: { id: string };
  deliveredAt: string | null;
  lines: { id: string; sku: string; quantity: number; category: string }[];
  payments: { provider: string; providerReference: string }[];
}

async function shopifyOrderInGraph(externalId: string): Promise<OrderView | null> {
  const { data } = await graph.query<{ orders: { nodes: OrderView[] } }>(
    principals.operations(),
    `{ orders(first: 50) { nodes { id source externalId customer { id } deliveredAt lines { id sku quantity category } payments { provider providerReference } } } }`,
  );
  return data?.orders.nodes.find((order) => order.source === 'shopify' && order.externalId === externalId && order.deliveredAt) ?? null;
}

/** Units of `SKU` at the returns warehouse, per stock state. */
async function stock(): Promise<Record<string, number>> {
  const { data, errors } = await graph.query<{ availability: { quantities: { state: string; quantity: number }[] }[] }>(
    principals.operations(),
    `query($skus: [String!]!, $at: [ID!]) { availability(skus: $skus, locationIds: $at) { quantities { state quantity } } }`,
    { skus: [SKU], at: [RETURNS_WAREHOUSE] },
  );
  if (errors) throw new Error(JSON.stringify(errors));
  return Object.fromEntries((data?.availability[0]?.quantities ?? []).map((q) => [q.state, q.quantity]));
}

interface ReturnState {
  status: string;
  financialStatus: string;
  commerceMirror: { source: string; externalReturnId: string; status: string } | null;
}

async function returnState(id: string): Promise<ReturnState | null> {
  const { data } = await graph.query<{ return: ReturnState | null }>(
    principals.operations(),
    `query($id: ID!) { return(id: $id) { status financialStatus commerceMirror { source externalReturnId status } } }`,
    { id },
  );
  return data?.return ?? null;
}

const shopifyReturnsOf = (orderId: string) => shopify.store.order(orderId).returns;

it('takes a Shopify order through return, 3PL receipt, webhook inspection and refund, mirrored in Shopify', async () => {
  // 1. The order is placed and delivered in Shopify, which tells the graph by webhook.
  shopify.seedLocation({ name: 'Shopify DC', city: 'Newark' });
  shopify.seedVariant({ sku: SKU, productTitle: 'Rain jacket', productType: 'Apparel' });
  const placed = shopify.seedOrder({
    customer: { id: '7001', name: 'Ada Lovelace', email: 'ada@example.com' },
    lines: [{ sku: SKU, title: 'Rain jacket', quantity: 1, price: '200.00', tax: '16.00', productType: 'Apparel' }],
    payments: [{ gateway: 'stripe', amount: '216.00', receiptJson: { id: 'ch_3PjourneyE2E', object: 'charge' } }],
  });
  shopify.fulfilOrder(placed.id, { delivered: true });
  const webhook = `${subgraphUrl('orders')}/webhooks/commerce/shopify`;
  const sent = await shopify.sendWebhook(webhook, 'orders/create', shopify.orderPayload(placed.id));
  expect(sent.status).toBe(200);
  const externalId = placed.id.split('/').pop() as string;
  const order = await eventually('the Shopify order in the graph', () => shopifyOrderInGraph(externalId));
  expect(order.lines).toEqual([expect.objectContaining({ sku: SKU, quantity: 1, category: 'apparel' })]);
  expect(order.payments).toEqual([{ provider: 'stripe', providerReference: 'ch_3PjourneyE2E' }]);
  expect(await stock()).toMatchObject({ PENDING_INSPECTION: 0, SELLABLE: 0 });

  // 2. The customer asks for the return in the graph (once returns has heard of the order); an agent approves it if the policy did not.
  await waitForSnapshots(graph.database.db, [order.id]);
  const line = order.lines[0] as OrderView['lines'][number];
  let ret = await mutateOk(graph, principals.customer(order.customer.id), 'requestReturn', {
    orderId: order.id,
    channel: 'ECOMMERCE',
    lines: [{ orderLineId: line.id, quantity: 1, reason: 'UNWANTED' }],
  });
  if (ret.status === 'REQUESTED') ret = await mutateOk(graph, principals.serviceDesk(), 'approveReturn', { returnId: ret.id });
  expect(ret.status).toBe('AUTHORIZED');

  // 3. The return appears in Shopify, marked as ours, and the graph knows Shopify's id for it.
  const [shopifyReturn] = await eventually('the return in Shopify', async () => (shopifyReturnsOf(placed.id).length > 0 ? shopifyReturnsOf(placed.id) : null));
  expect(shopifyReturnsOf(placed.id)).toHaveLength(1);
  expect(shopifyReturn?.status).toBe('OPEN');
  expect(shopifyReturn?.returnLineItems.map((item) => item.returnReasonNote)).toEqual([`returns_graph:${ret.id}`]);
  const mirrored = await eventually('the mirror row', async () => (await returnState(ret.id))?.commerceMirror);
  expect(mirrored).toMatchObject({ source: 'shopify', externalReturnId: shopifyReturn?.id });

  // 4. The 3PL's 944 receipt advice is dropped in the warehouse folder: the unit waits for inspection, not for sale.
  const returnLine = ret.lines[0] as { id: string; sku: string };
  const receipt: LogicalMessage = {
    kind: 'receipt',
    messageId: 'RCV-944-0001',
    warehouseId: WAREHOUSE,
    returnId: ret.id,
    locationId: RETURNS_WAREHOUSE,
    occurredAt: new Date(),
    lines: [{ returnLineId: null, sku: SKU, quantity: 1 }],
  };
  writeFileSync(join(dropDir, 'receipt-0001.x12'), toX12([receipt]).content);
  await eventually('the 944 file processed', async () => existsSync(join(dropDir, 'processed', 'receipt-0001.x12')));
  await eventually('the return received', async () => (await returnState(ret.id))?.status === 'RECEIVED');
  expect(await eventually('stock pending inspection', async () => ((await stock()).PENDING_INSPECTION === 1 ? stock() : null))).toMatchObject({
    PENDING_INSPECTION: 1,
    SELLABLE: 0,
  });

  // 5. The inspection comes by signed warehouse webhook: the unit is sellable again.
  const inspection: LogicalMessage = {
    kind: 'inspection',
    messageId: 'INSP-0001',
    warehouseId: WAREHOUSE,
    returnId: ret.id,
    locationId: RETURNS_WAREHOUSE,
    occurredAt: new Date(),
    lines: [{ returnLineId: returnLine.id, sku: null, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
  };
  const body = JSON.stringify(toJsonObject(inspection));
  const answer = await fetch(`${subgraphUrl('returns')}/webhooks/warehouse`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-warehouse-id': WAREHOUSE,
      'x-warehouse-signature': signWarehouseWebhook(WAREHOUSE_SECRET, Math.floor(Date.now() / 1000), body),
    },
    body,
  });
  expect(answer.status).toBe(200);
  expect(await eventually('stock sellable', async () => ((await stock()).SELLABLE === 1 ? stock() : null))).toMatchObject({
    PENDING_INSPECTION: 0,
    SELLABLE: 1,
  });

  // 6. The refund is paid by our payment connector and the return completes; Shopify shows it disposed and closed.
  const done = await eventually('the return completed', async () => {
    const state = await returnState(ret.id);
    return state?.status === 'COMPLETED' && state.commerceMirror?.status === 'CLOSED' ? state : null;
  });
  expect(done.financialStatus).toBe('SETTLED');
  const closed = shopifyReturnsOf(placed.id)[0];
  expect(closed?.status).toBe('CLOSED');
  expect(closed?.reverseFulfillmentOrders.flatMap((rfo) => rfo.lineItems.flatMap((item) => item.dispositions.map((d) => [d.type, d.quantity])))).toEqual([
    ['RESTOCKED', 1],
  ]);

  // Money moved once: Shopify was told about the refund (a metafield), never asked to pay it.
  await eventually('the refund noted in Shopify', async () => shopify.store.metafieldsOf(placed.id).some((field) => field.namespace === 'returns_graph'));
  expect(shopify.mutationNames().filter((name) => ['refundCreate', 'returnRefund', 'returnProcess'].includes(name))).toEqual([]);
  const { data } = await graph.query<{ order: { refunds: { status: string; amount: { amount: string } }[] } }>(
    principals.operations(),
    `query($id: ID!) { order(id: $id) { refunds { status amount { amount } } } }`,
    { id: order.id },
  );
  expect(data?.order.refunds).toEqual([{ status: 'SUCCEEDED', amount: { amount: '216.00' } }]);
}, 180_000);
