import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedGraph } from '../app/embedded';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';
import { signClientToken } from '../platform/auth';
import { postGraphQL } from './support/subgraph-client';
import { FREE_PORTS } from './support/graph';
import { principals } from './support/principals';
import { openTestPglite } from './support/pglite';

let graph: EmbeddedGraph;
let keysDir: string;

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'rg-keys-'));
  // The empty database comes from this run's tarball instead of an initdb of its own: what this file
  // tests (migrations, seed, pipeline and graph on PGlite) all happens after the open.
  graph = await startEmbedded({ ports: FREE_PORTS, keysDir, openEmpty: openTestPglite });
}, 60_000);

afterAll(async () => {
  await graph.close();
  rmSync(keysDir, { recursive: true, force: true });
});

describe('the embedded default (PGlite, one process)', () => {
  it('runs on PGlite and serves a federated query with a token from the local signing key', async () => {
    expect(graph.db.kind).toBe('pglite');
    const keys = await loadOrCreateDevKeys(keysDir);
    const token = await signClientToken(principals.storeAssociate('loc_store_nyc'), keys.privateJwk);
    const response = await postGraphQL<{ orderByNumber: { number: string; lines: { inventoryItem: { availability: unknown[] } }[]; returns: unknown[] } }>(
      `${graph.gateway.url}/graphql`,
      `{ orderByNumber(number: "R100010") { number lines { inventoryItem { availability(locationIds: ["loc_store_nyc"]) { availableToSell } } } returns { id } } }`,
      {},
      { authorization: `Bearer ${token}` },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.orderByNumber.number).toBe('R100010');
    expect(response.data?.orderByNumber.lines[0]?.inventoryItem.availability).toHaveLength(1);
  });

  it('loads the demo retailer: about 1,000 orders over all four channels', async () => {
    const { rows } = await graph.db.query<{ channel: string; n: number }>(
      'SELECT channel, count(*)::int8 AS n FROM orders.orders GROUP BY channel ORDER BY channel',
    );
    expect(rows.map((row) => row.channel)).toEqual(['ECOMMERCE', 'MARKETPLACE', 'MOBILE', 'POS']);
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBeGreaterThanOrEqual(900);
  });

  it('carries the demo orders through the event pipeline to returns and the stock to the reference ERP', async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const { rows } = await graph.db.query<{ orders: number; snapshots: number; movements: number; posted: number }>(
        `SELECT (SELECT count(*) FROM orders.orders)::int8 AS orders, (SELECT count(*) FROM returns.order_snapshots)::int8 AS snapshots,
                (SELECT count(*) FROM inventory.movements)::int8 AS movements, (SELECT count(*) FROM erp.stock_movements)::int8 AS posted`,
      );
      const counts = rows[0]!;
      if (counts.snapshots === counts.orders && counts.posted === counts.movements && counts.movements > 0) break;
      if (Date.now() > deadline) throw new Error(`pipeline did not settle: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 40_000);

  it('takes a return at a counter and moves its units through inspection on PGlite', async () => {
    const keys = await loadOrCreateDevKeys(keysDir);
    const associate = await signClientToken(principals.storeAssociate('loc_store_sfo'), keys.privateJwk);
    const call = <T>(query: string, variables: Record<string, unknown> = {}) =>
      postGraphQL<T>(`${graph.gateway.url}/graphql`, query, variables, { authorization: `Bearer ${associate}` });
    const { rows } = await graph.db.query<{ order_id: string; line: { orderLineId: string; sku: string } }>(
      `SELECT order_id, l AS line FROM returns.order_snapshots, jsonb_array_elements(lines) l
        WHERE channel = 'POS' AND NOT (l->>'finalSale')::boolean AND l->>'category' <> 'electronics' ORDER BY placed_at DESC LIMIT 1`,
    );
    const target = rows[0]!;
    const authorized = await call<{ authorizeReturn: { return: { id: string; status: string; lines: { id: string }[] } | null; userErrors: unknown[] } }>(
      `mutation($input: AuthorizeReturnInput!) { authorizeReturn(input: $input, idempotencyKey: "embedded-till-1") { return { id status lines { id } } userErrors { code message } } }`,
      {
        input: {
          orderId: target.order_id,
          channel: 'POS',
          storeId: 'loc_store_sfo',
          receiveNow: true,
          lines: [{ orderLineId: target.line.orderLineId, quantity: 1, reason: 'STYLE' }],
        },
      },
    );
    expect(authorized.data?.authorizeReturn.userErrors).toEqual([]);
    expect(authorized.data?.authorizeReturn.return?.status).toBe('RECEIVED');
    const ret = authorized.data!.authorizeReturn.return!;
    const inspected = await call<{ recordInspection: { return: { status: string } | null; userErrors: unknown[] } }>(
      `mutation($input: RecordInspectionInput!) { recordInspection(input: $input, idempotencyKey: "embedded-insp-1") { return { status } userErrors { code message } } }`,
      {
        input: {
          returnId: ret.id,
          locationId: 'loc_store_sfo',
          lines: [{ returnLineId: ret.lines[0]!.id, dispositions: [{ disposition: 'SELLABLE', quantity: 1 }] }],
        },
      },
    );
    expect(inspected.data?.recordInspection.return?.status).toBe('INSPECTED');
    const deadline = Date.now() + 10_000;
    let reasons: string[] = [];
    while (Date.now() < deadline) {
      const { rows: moved } = await graph.db.query<{ reason: string }>(
        `SELECT reason FROM inventory.movements WHERE sku = $1 AND location_id = 'loc_store_sfo' AND reason LIKE 'RETURN_%' ORDER BY occurred_at`,
        [target.line.sku],
      );
      reasons = moved.map((row) => row.reason);
      if (reasons.includes('RETURN_INSPECTED')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(reasons).toEqual(['RETURN_AUTHORIZED', 'RETURN_RECEIVED', 'RETURN_INSPECTED']);
  }, 30_000);

  it('is ready once the supergraph is loaded', async () => {
    const ready = await fetch(`${graph.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(graph.gateway.supergraphState().version).toBeGreaterThanOrEqual(1);
  });
});
