import type { RunningSubgraph } from '../../platform/subgraph';
import { createTestDatabase, type TestDatabase } from '../../test/support/database';
import { principals } from '../../test/support/principals';
import { subgraphRequest } from '../../test/support/subgraph-client';
import { DEMO_ANCHOR, generateDemoOrders, seedDemoOrders } from '../../demo/orders';
import { RecordingDb, startOrdersSubgraph } from './testing/orders-kit';

let database: TestDatabase;
let recording: RecordingDb;
let subgraph: RunningSubgraph;
const demo = generateDemoOrders({ anchor: DEMO_ANCHOR });
const ENTITY_COUNT = 25;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoOrders(database.db, { anchor: DEMO_ANCHOR });
  recording = new RecordingDb(database.db);
  subgraph = await startOrdersSubgraph(recording);
});
afterAll(async () => {
  await subgraph?.close();
  await database?.drop();
});
beforeEach(() => recording.reset());

describe('entity references', () => {
  it('resolves N Order references with one query per table, lines and payments included', async () => {
    const orders = demo.slice(100, 100 + ENTITY_COUNT);
    const res = await subgraphRequest<{ _entities: { id: string; number: string; lines: { id: string }[]; payments: { id: string }[] }[] }>(
      subgraph.url,
      principals.service(),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id number lines { id } payments { id } } } }`,
      { reps: orders.map((o) => ({ __typename: 'Order', id: o.order.id })) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e.number)).toEqual(orders.map((o) => o.order.number));
    expect(res.data!._entities.map((e) => e.lines.length)).toEqual(orders.map((o) => o.lines.length));
    expect(recording.countReading('orders.orders')).toBe(1);
    expect(recording.countReading('orders.order_lines')).toBe(1);
    expect(recording.countReading('orders.payments')).toBe(1);
    expect(recording.statements).toHaveLength(3);
  });

  it('resolves N OrderLine references and their orders with one query per table', async () => {
    const lines = demo.slice(200, 200 + ENTITY_COUNT).map((o) => o.lines[0]!);
    const res = await subgraphRequest<{ _entities: { id: string; sku: string; order: { id: string } }[] }>(
      subgraph.url,
      principals.service(),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on OrderLine { id sku order { id number } } } }`,
      { reps: lines.map((l) => ({ __typename: 'OrderLine', id: l.id })) },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities.map((e) => e.sku)).toEqual(lines.map((l) => l.sku));
    expect(res.data!._entities.map((e) => e.order.id)).toEqual(lines.map((l) => l.orderId));
    expect(recording.countReading('orders.order_lines')).toBe(1);
    expect(recording.countReading('orders.orders')).toBe(1);
    expect(recording.statements).toHaveLength(2);
  });

  it('answers null for unknown and malformed references without failing the others', async () => {
    const known = demo[0]!.order.id;
    const res = await subgraphRequest<{ _entities: unknown[] }>(
      subgraph.url,
      principals.service(),
      `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Order { id } } }`,
      {
        reps: [
          { __typename: 'Order', id: 'ord_00000000000000000000000000' },
          { __typename: 'Order', id: 'bogus' },
          { __typename: 'Order', id: known },
        ],
      },
    );
    expect(res.data?._entities).toEqual([null, null, { id: known }]);
  });
});
