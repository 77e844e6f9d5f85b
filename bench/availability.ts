import { INTERNAL_PRINCIPAL_HEADER, signClientToken, type Principal } from '../platform/auth';
import { DEMO_LOCATIONS, DEMO_PRODUCTS } from '../demo/catalog';
import { applyMovements, type Movement } from '../subgraphs/inventory/ledger';
import { upsertLocations, type LocationInput } from '../subgraphs/inventory/locations';
import { load, report, startBenchGraph } from './support';
import { writeTransaction } from '../platform/write-path/write-tx';
import type { BenchSettings } from './settings';

/** Five more stores beside the five demo locations: the 10 locations of issue 5's benchmark. */
const EXTRA_LOCATIONS: readonly LocationInput[] = [
  { id: 'loc_store_bos', name: 'Boston Newbury Street', kind: 'STORE', city: 'Boston', safety_stock: 2 },
  { id: 'loc_store_sea', name: 'Seattle Pike Place', kind: 'STORE', city: 'Seattle', safety_stock: 2 },
  { id: 'loc_store_den', name: 'Denver Larimer Square', kind: 'STORE', city: 'Denver', safety_stock: 2 },
  { id: 'loc_store_mia', name: 'Miami Lincoln Road', kind: 'STORE', city: 'Miami' },
  { id: 'loc_wh_ca', name: 'California Fulfilment Center', kind: 'WAREHOUSE', city: 'Ontario' },
];
/** Opening units per SKU at the extra locations: every level the query returns has stock to fold. */
const EXTRA_OPENING_UNITS = 12;

/** Every stock level field: 50 SKUs x 10 locations = 500 levels (and 3,500 state quantities) per response. */
const FULL_QUERY = `query($skus: [String!]!, $locationIds: [ID!]) { availability(skus: $skus, locationIds: $locationIds) {
  sku location { id name } availableToSell onHand quantities { state quantity } } }`;
/**
 * What a product page or POS stock screen usually asks: the number it may sell. Measured beside the
 * full query because most of a full response's cost is executing the 3,500 per-state objects.
 */
const ATS_QUERY = `query($skus: [String!]!, $locationIds: [ID!]) { availability(skus: $skus, locationIds: $locationIds) {
  sku location { id } availableToSell } }`;

/**
 * Availability of all 50 demo SKUs at 10 locations through the gateway: the heaviest read a store
 * app's stock screen makes (one balances query per request, batched by the DataLoader; the
 * locations once per request).
 */
export async function benchAvailability(settings: BenchSettings): Promise<void> {
  const bench = await startBenchGraph(settings.adminUrl);
  try {
    await upsertLocations(bench.db, EXTRA_LOCATIONS);
    await writeTransaction(bench.db, 'inventory', async (tx) => {
      for (const location of EXTRA_LOCATIONS) {
        const movements: Movement[] = DEMO_PRODUCTS.map((product) => ({
          sku: product.sku,
          locationId: location.id,
          from: null,
          to: 'SELLABLE',
          quantity: EXTRA_OPENING_UNITS,
        }));
        await applyMovements(tx, movements, { causeId: `bench-opening:${location.id}`, reason: 'OPENING_BALANCE', actor: 'bench' });
      }
    });
    const skus = DEMO_PRODUCTS.map((product) => product.sku);
    const locationIds = [...DEMO_LOCATIONS, ...EXTRA_LOCATIONS].map((location) => location.id);
    const body = () => JSON.stringify({ query: FULL_QUERY, variables: { skus, locationIds } });
    const atsBody = () => JSON.stringify({ query: ATS_QUERY, variables: { skus, locationIds } });

    const principal: Principal = { subject: 'bench:associate', roles: ['store_associate'], storeIds: ['loc_store_nyc'] };
    const token = await signClientToken(principal, bench.keys.privateJwk);
    const url = `${bench.graph.gateway.url}/graphql`;
    const headers = { authorization: `Bearer ${token}` };

    // One request answered in full before measuring: a wrong query would otherwise bench errors.
    const check = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body() });
    const answer = (await check.json()) as { data?: { availability: unknown[] }; errors?: unknown[] };
    if (answer.errors || answer.data?.availability.length !== skus.length * locationIds.length) {
      throw new Error(`availability check failed: ${JSON.stringify(answer.errors ?? answer.data?.availability.length)}`);
    }

    await load({ label: 'warm-up', url, headers, body, durationSeconds: 2 });
    const viaGateway = await load({ label: 'all fields via gateway', url, headers, body });
    const atsOnly = await load({ label: 'availableToSell only via gateway', url, headers, body: atsBody });
    // The same query straight to the inventory subgraph: the difference is the gateway's share.
    const inventory = bench.graph.subgraphs.find((subgraph) => subgraph.name === 'inventory');
    if (!inventory) throw new Error('inventory subgraph not running');
    const direct = await load({
      label: 'all fields direct to inventory subgraph',
      url: `${inventory.url}/graphql`,
      // The internal token lives 60 s; a fresh one per run is enough for a 10 s run.
      headers: { [INTERNAL_PRINCIPAL_HEADER]: await bench.internalTokens.sign(principal) },
      body,
    });
    report(`Availability of ${skus.length} SKUs x ${locationIds.length} locations (PostgreSQL, 32 connections, 10 s each)`, [viaGateway, direct, atsOnly]);
  } finally {
    await bench.close();
  }
}
