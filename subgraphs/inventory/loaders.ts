import DataLoader from 'dataloader';
import type { Db } from '../../platform/db';
import type { Principal } from '../../platform/auth';
import { groupLoader } from '../../platform/graphql/loaders';
import { allLocations, balancesBySkus, type LocationRow } from './store';
import { productsBySkus, type ProductRow } from './products';

/** Per-request loaders of the inventory subgraph. */
export function inventoryLoaders(db: Db, _principal: Principal) {
  // Locations are few (tens); one query per request serves every Location reference in it.
  let locations: Promise<Map<string, LocationRow>> | undefined;
  const locationMap = () => (locations ??= allLocations(db).then((rows) => new Map(rows.map((row) => [row.id, row]))));
  return {
    locationMap,
    locationById: new DataLoader<string, LocationRow | null>(async (ids) => {
      const map = await locationMap();
      return ids.map((id) => map.get(id) ?? null);
    }),
    productBySku: new DataLoader<string, ProductRow | null>(async (skus) => {
      const bySku = new Map((await productsBySkus(db, skus)).map((row) => [row.sku, row]));
      return skus.map((sku) => bySku.get(sku) ?? null);
    }),
    balancesBySku: groupLoader(
      (skus: readonly string[]) => balancesBySkus(db, skus),
      (row) => row.sku,
    ),
  };
}

export type InventoryLoaders = ReturnType<typeof inventoryLoaders>;
