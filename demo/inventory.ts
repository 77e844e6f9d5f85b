import type { Db } from '../platform/db';
import { applyMovements, type Movement } from '../subgraphs/inventory/ledger';
import { configureLocation } from '../subgraphs/inventory/locations';
import { registerProduct } from '../subgraphs/inventory/products';
import { DEMO_LOCATIONS, DEMO_PRODUCTS, DEMO_STORES } from './catalog';
import { SeededRandom } from './random';
import { writeTransaction } from '../platform/write-path/write-tx';

/** Seed of the demo stock; fixed so every machine shows the same numbers. */
const STOCK_SEED = 5150;
/** Opening units per SKU: a warehouse holds a few hundred, a store a few dozen. */
const WAREHOUSE_UNITS = { min: 120, max: 400 };
const STORE_UNITS = { min: 4, max: 40 };
/** Demo stores with a safety stock and the one that fast-tracks unopened returns to sale. */
const SAFETY_STOCK = 2;
const FAST_TRACK_STORE = 'loc_store_nyc';

/**
 * Opening balances of every demo SKU at every demo location, written as OPENING_BALANCE movements
 * so ledger and projection agree from the first unit (and the reference ERP receives them). A few
 * units start DAMAGED or REFURBISH so every state shows something. Does nothing when stock exists.
 */
export async function seedDemoInventory(db: Db): Promise<number> {
  await seedDemoCatalog(db);
  const { rows } = await db.query(`SELECT 1 FROM inventory.stock_balances LIMIT 1`);
  if (rows.length > 0) return 0;
  const random = new SeededRandom(STOCK_SEED);
  let moved = 0;
  await writeTransaction(db, 'inventory', async (tx) => {
    // Through inventory's own path, so the fast-track store is announced like any location change.
    for (const store of DEMO_STORES) await configureLocation(tx, store.id, { safetyStock: SAFETY_STOCK });
    await configureLocation(tx, FAST_TRACK_STORE, { unopenedReturnsSellable: true });
    for (const location of DEMO_LOCATIONS) {
      const range = location.kind === 'WAREHOUSE' ? WAREHOUSE_UNITS : STORE_UNITS;
      const movements: Movement[] = [];
      for (const product of DEMO_PRODUCTS) {
        movements.push({ sku: product.sku, locationId: location.id, from: null, to: 'SELLABLE', quantity: random.int(range.min, range.max) });
        if (random.chance(0.15))
          movements.push({
            sku: product.sku,
            locationId: location.id,
            from: null,
            to: random.pick(['DAMAGED', 'REFURBISH'] as const),
            quantity: random.int(1, 3),
          });
      }
      await applyMovements(tx, movements, { causeId: `opening-balance:${location.id}`, reason: 'OPENING_BALANCE', actor: 'demo-seed' });
      moved += movements.length;
    }
  });
  return moved;
}

/** The demo products in inventory's catalog, so `products` and `InventoryItem.title` show them; a repeat writes nothing. */
async function seedDemoCatalog(db: Db): Promise<void> {
  await writeTransaction(db, 'inventory', async (tx) => {
    for (const product of DEMO_PRODUCTS) {
      await registerProduct(tx, { sku: product.sku, title: product.title, category: product.category, source: null, external_id: null });
    }
  });
}
