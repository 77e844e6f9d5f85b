import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type EmbeddedGraph } from '../app/embedded';
import { loadOrCreateDevKeys } from '../platform/auth/dev-keys';
import { signClientToken } from '../platform/auth';
import { postGraphQL } from './support/subgraph-client';
import { FREE_PORTS } from './support/graph';
import { principals } from './support/principals';

let graph: EmbeddedGraph;
let keysDir: string;

beforeAll(async () => {
  keysDir = mkdtempSync(join(tmpdir(), 'rg-keys-'));
  graph = await startEmbedded({ ports: FREE_PORTS, keysDir });
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
    const { rows } = await graph.db.query<{ channel: string; n: number }>('SELECT channel, count(*)::int8 AS n FROM orders.orders GROUP BY channel ORDER BY channel');
    expect(rows.map((row) => row.channel)).toEqual(['ECOMMERCE', 'MARKETPLACE', 'MOBILE', 'POS']);
    expect(rows.reduce((sum, row) => sum + row.n, 0)).toBeGreaterThanOrEqual(900);
  });

  it('is ready once the supergraph is loaded', async () => {
    const ready = await fetch(`${graph.gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(graph.gateway.supergraphState().version).toBeGreaterThanOrEqual(1);
  });
});
