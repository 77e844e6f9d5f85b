import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput } from '../../platform/graphql/errors';
import { pageRequest, toConnection, type PageArgs } from '../../platform/graphql/connection';
import type { InventoryLoaders } from './loaders';
import { ledgerPage, type LocationRow, type MovementRow } from './store';
import { stockLevel, type StockLevel } from './domain/stock-levels';

type Context = SubgraphContext<InventoryLoaders>;

/** Bounds of one availability request: a POS screen or a PDP asks for far fewer. */
export const MAX_AVAILABILITY_SKUS = 250;
export const MAX_AVAILABILITY_LOCATIONS = 100;

/** Stock levels of `skus` at `locationIds` (all locations when omitted), one per pair. */
async function levels(ctx: Context, skus: readonly string[], locationIds?: readonly string[] | null): Promise<StockLevel[]> {
  if (skus.length > MAX_AVAILABILITY_SKUS) throw badUserInput(`At most ${MAX_AVAILABILITY_SKUS} SKUs per request.`, 'skus');
  if (locationIds && locationIds.length > MAX_AVAILABILITY_LOCATIONS) {
    throw badUserInput(`At most ${MAX_AVAILABILITY_LOCATIONS} locations per request.`, 'locationIds');
  }
  const map = await ctx.loaders.locationMap();
  const locations: LocationRow[] = locationIds
    ? locationIds.map((id) => map.get(id)).filter((row): row is LocationRow => row !== undefined)
    : [...map.values()];
  const unique = [...new Set(skus)];
  const balances = await Promise.all(unique.map((sku) => ctx.loaders.balancesBySku.load(sku)));
  const bySku = new Map(unique.map((sku, index) => [sku, balances[index] ?? []]));
  const result: StockLevel[] = [];
  for (const sku of skus) {
    const rows = bySku.get(sku) ?? [];
    for (const location of locations) {
      const here = rows.filter((row) => row.location_id === location.id);
      result.push(stockLevel(sku, location.id, location.safety_stock, here));
    }
  }
  return result;
}

/** Resolvers of the inventory subgraph. */
export const inventoryResolvers = {
  DateTime: DateTimeScalar,
  Query: {
    availability: (_: unknown, args: { skus: string[]; locationIds?: string[] | null }, ctx: Context) => levels(ctx, args.skus, args.locationIds),
    async inventoryLedger(_: unknown, args: PageArgs & { sku: string; locationId?: string | null }, ctx: Context) {
      const page = pageRequest(args);
      const rows = await ledgerPage(ctx.db, args.sku, args.locationId, page.limit, page.after);
      return toConnection(rows, page.limit, (row) => ({ sort: row.occurred_at.toISOString(), id: row.id }), Boolean(page.after));
    },
    locations: async (_: unknown, __: unknown, ctx: Context) => [...(await ctx.loaders.locationMap()).values()],
  },
  Location: {
    __resolveReference: (reference: { id: string }, ctx: Context) => ctx.loaders.locationById.load(reference.id),
    safetyStock: (row: LocationRow) => row.safety_stock,
  },
  StockLevel: {
    location: (level: StockLevel, _: unknown, ctx: Context) => ctx.loaders.locationById.load(level.locationId),
  },
  InventoryItem: {
    __resolveReference: (reference: { sku: string }) => ({ sku: reference.sku }),
    availability: (item: { sku: string }, args: { locationIds?: string[] | null }, ctx: Context) => levels(ctx, [item.sku], args.locationIds),
  },
  OrderLine: {
    inventoryItem: (line: { sku: string }) => ({ sku: line.sku }),
  },
  InventoryMovement: {
    location: (row: MovementRow, _: unknown, ctx: Context) => ctx.loaders.locationById.load(row.location_id),
    fromState: (row: MovementRow) => row.from_state,
    toState: (row: MovementRow) => row.to_state,
    causeId: (row: MovementRow) => row.cause_id,
    correlationId: (row: MovementRow) => row.correlation_id,
    occurredAt: (row: MovementRow) => row.occurred_at,
  },
};
