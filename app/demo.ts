import type { Db } from '../platform/db';
import { DEMO_LOCATIONS } from '../demo/catalog';
import { seedDemoOrders } from '../demo/orders';
import { upsertLocations } from '../subgraphs/inventory/store';

/**
 * Loads the demo retailer: its stores and warehouse (as the ERP would sync them to inventory) and
 * about 1,000 orders (as the commerce platform would send them). Idempotent: a second run adds
 * nothing.
 */
export async function seedDemo(db: Db): Promise<void> {
  await upsertLocations(db, DEMO_LOCATIONS);
  await seedDemoOrders(db);
}
