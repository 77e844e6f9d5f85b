import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import { returnsLoaders, type ReturnsLoaders } from './loaders';
import { returnsResolvers } from './resolvers';
import { orderSnapshotsConsumer } from './consumers/order-snapshots';
import { refundStatusConsumer } from './consumers/refund-progress';
import { locationsConsumer } from './consumers/locations';
import { RETURN_STATUS_STREAM } from './status-updates';
import type { ReturnsSettings } from './settings';
import { warehouseIntake, type WarehouseDependencies } from './warehouse';

export type { ReturnsSettings } from './settings';
export { NO_WAREHOUSE, type WarehouseSettings, type WarehouseDependencies } from './warehouse';

/** The returns subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const returnsSchema: SubgraphSchema = { name: 'returns', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the returns subgraph is built with. */
export interface ReturnsDependencies {
  settings: ReturnsSettings;
  /** Warehouse webhooks and file drops (`warehouse/`); default none: no route, no folder watched. */
  warehouse?: WarehouseDependencies;
}

/** The returns subgraph (return authorizations and their lifecycle) with its settings, and the warehouse intake when configured. */
export function returnsSubgraph({ settings, warehouse }: ReturnsDependencies): SubgraphDefinition<ReturnsLoaders> {
  const intake = warehouse ? warehouseIntake(warehouse) : { routes: {}, workers: [] };
  return {
    ...returnsSchema,
    resolvers: returnsResolvers(settings),
    loaders: returnsLoaders,
    consumers: [orderSnapshotsConsumer, refundStatusConsumer, locationsConsumer],
    streams: [RETURN_STATUS_STREAM],
    routes: intake.routes,
    workers: intake.workers,
  };
}
