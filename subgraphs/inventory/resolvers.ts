import type { SubgraphContext } from '../../platform/subgraph';
import { DateTimeScalar } from '../../platform/graphql/scalars';
import { badUserInput } from '../../platform/graphql/errors';
import { MAX_AVAILABILITY_LOCATIONS, MAX_AVAILABILITY_SKUS } from '../../contracts/query-limits';
import { pageRequest, toConnection, type PageArgs } from '../../platform/graphql/connection';
import type { InventoryLoaders } from './loaders';
import { ledgerPage, type LocationRow, type MovementRow } from './store';
import { stockLevel, type StockLevel } from './domain/stock-levels';
import { adjustInventory, moveInventory, type AdjustInput, type MoveInput, type StockChangePayload } from './adjustments';
import { accuracyReport } from './accuracy';
import { InventoryMessages } from './user-errors';
import { mutation, type MutationEffect } from '../../platform/write-path/mutation';
import type { Operation } from '../../platform/auth';
import type { Resolvers, StockState } from './generated/graphql';
import { locationRefused, upsertLocation, type UpsertLocationInput, type UpsertLocationResult } from './location-upsert';
import { productPage, productRefused, upsertProduct, type CatalogItem, type ProductPage, type UpsertProductInput, type UpsertProductResult } from './products';

type Context = SubgraphContext<InventoryLoaders>;

/** The location a row refers to: it exists (foreign key), so the loader's "not found" cannot happen here. */
const referencedLocation = (ctx: Context, id: string) => ctx.loaders.locationById.load(id) as Promise<LocationRow>;

/** Stock levels of `skus` at `locationIds` (all locations when omitted), one per pair. */
/** A stock level with its location row attached, so 500 levels do not make 500 loader calls. */
export type LevelWithLocation = StockLevel & { location: LocationRow };

async function levels(ctx: Context, skus: readonly string[], locationIds?: readonly string[] | null): Promise<LevelWithLocation[]> {
  if (skus.length > MAX_AVAILABILITY_SKUS) throw badUserInput(InventoryMessages.tooManySkus(MAX_AVAILABILITY_SKUS), 'skus');
  if (locationIds && locationIds.length > MAX_AVAILABILITY_LOCATIONS) {
    throw badUserInput(InventoryMessages.tooManyLocations(MAX_AVAILABILITY_LOCATIONS), 'locationIds');
  }
  const map = await ctx.loaders.locationMap();
  const locations: LocationRow[] = locationIds
    ? locationIds.map((id) => map.get(id)).filter((row): row is LocationRow => row !== undefined)
    : [...map.values()];
  const unique = [...new Set(skus)];
  const balances = await Promise.all(unique.map((sku) => ctx.loaders.balancesBySku.load(sku)));
  const bySku = new Map(unique.map((sku, index) => [sku, balances[index] ?? []]));
  const result: LevelWithLocation[] = [];
  for (const sku of skus) {
    const byLocation = new Map<string, (typeof balances)[number]>();
    for (const row of bySku.get(sku) ?? []) {
      const list = byLocation.get(row.location_id);
      if (list) list.push(row);
      else byLocation.set(row.location_id, [row]);
    }
    for (const location of locations) {
      result.push({ ...stockLevel(sku, location.id, location.safety_stock, byLocation.get(location.id) ?? []), location });
    }
  }
  return result;
}

/** A stock mutation through the write path (`platform/write-path/mutation.ts`): movements, events and audit in one transaction. */
const stockMutation = <I>(operation: Operation, effect: MutationEffect<I, StockChangePayload>) =>
  mutation(operation, effect, (error): StockChangePayload => ({ sku: null, locationId: null, movementIds: [], userErrors: [error] }));

/** The payload of a stock mutation: the level after the change and the movements, resolved fresh. */
const stockChangePayload = {
  stockLevel: async (payload: StockChangePayload, _: unknown, ctx: Context) =>
    payload.sku && payload.locationId ? ((await levels(ctx, [payload.sku], [payload.locationId]))[0] ?? null) : null,
  movements: async (payload: StockChangePayload, _: unknown, ctx: Context) => {
    if (payload.movementIds.length === 0) return [];
    const { rows } = await ctx.db.query<MovementRow & Record<string, unknown>>(
      `SELECT id, sku, location_id, from_state, to_state, quantity, reason, cause_id, correlation_id, actor, occurred_at FROM inventory.movements WHERE id = ANY($1) ORDER BY id`,
      [payload.movementIds],
    );
    return rows;
  },
};

/** Resolvers of the inventory subgraph. */
export const inventoryResolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Mutation: {
    adjustInventory: stockMutation<AdjustInput>('adjustInventory', adjustInventory),
    moveInventory: stockMutation<MoveInput>('moveInventory', moveInventory),
    upsertLocation: mutation<UpsertLocationInput, UpsertLocationResult>('upsertLocation', upsertLocation, (error) => locationRefused([error])),
    upsertProduct: mutation<UpsertProductInput, UpsertProductResult>('upsertProduct', upsertProduct, (error) => productRefused([error])),
  },
  UpsertLocationPayload: {
    location: (payload: UpsertLocationResult, _: unknown, ctx: Context) => (payload.locationId ? ctx.loaders.locationById.load(payload.locationId) : null),
  },
  UpsertProductPayload: {
    product: (payload: UpsertProductResult) => (payload.sku ? { sku: payload.sku } : null),
  },
  AdjustInventoryPayload: stockChangePayload,
  MoveInventoryPayload: stockChangePayload,
  LocationAccuracy: {
    location: (row: { locationId: string }, _: unknown, ctx: Context) => referencedLocation(ctx, row.locationId),
  },
  Query: {
    inventoryAccuracy: (_: unknown, args: { locationIds?: string[] | null }, ctx: Context) => accuracyReport(ctx.db, args.locationIds),
    availability: (_: unknown, args: { skus: string[]; locationIds?: string[] | null }, ctx: Context) => levels(ctx, args.skus, args.locationIds),
    async inventoryLedger(_: unknown, args: PageArgs & { sku: string; locationId?: string | null }, ctx: Context) {
      const page = pageRequest(args);
      const rows = await ledgerPage(ctx.db, args.sku, args.locationId, page.limit, page.after);
      return toConnection(rows, page.limit, (row) => ({ sort: row.occurred_at.toISOString(), id: row.id }), Boolean(page.after));
    },
    locations: async (_: unknown, __: unknown, ctx: Context) => [...(await ctx.loaders.locationMap()).values()],
    async products(_: unknown, args: PageArgs & { category?: string | null }, ctx: Context) {
      const page = pageRequest(args);
      const rows = await productPage(ctx.db, args.category, page.limit, page.after);
      return toConnection(rows, page.limit, (row) => ({ sort: '', id: row.sku }), Boolean(page.after));
    },
  },
  Location: {
    __resolveReference: (reference: { id: string }, ctx: Context) => ctx.loaders.locationById.load(reference.id),
    safetyStock: (row: LocationRow) => row.safety_stock,
    unopenedReturnsSellable: (row: LocationRow) => row.unopened_returns_sellable,
  },
  StockLevel: {
    location: (level: StockLevel & { location?: LocationRow }, _: unknown, ctx: Context) => level.location ?? referencedLocation(ctx, level.locationId),
  },
  InventoryItem: {
    __resolveReference: (reference: { sku: string }) => ({ sku: reference.sku }),
    title: async (item: CatalogItem, _: unknown, ctx: Context) => item.title ?? (await ctx.loaders.productBySku.load(item.sku))?.title ?? null,
    category: async (item: CatalogItem, _: unknown, ctx: Context) => item.category ?? (await ctx.loaders.productBySku.load(item.sku))?.category ?? null,
    availability: (item: { sku: string }, args: { locationIds?: string[] | null }, ctx: Context) => levels(ctx, [item.sku], args.locationIds),
  },
  OrderLine: {
    inventoryItem: (line: { sku: string }) => ({ sku: line.sku }),
  },
  ProductConnection: {
    nodes: (page: ProductPage) => page.edges.map((edge) => edge.node),
  },
  InventoryMovement: {
    location: (row: MovementRow, _: unknown, ctx: Context) => referencedLocation(ctx, row.location_id),
    // The columns hold stock states (CHECK constraint); the row type keeps them as text.
    fromState: (row: MovementRow) => row.from_state as StockState | null,
    toState: (row: MovementRow) => row.to_state as StockState | null,
    causeId: (row: MovementRow) => row.cause_id,
    correlationId: (row: MovementRow) => row.correlation_id,
    occurredAt: (row: MovementRow) => row.occurred_at,
  },
};
