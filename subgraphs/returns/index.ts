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
import type { Db } from '../../platform/db';
import type { CommerceReturnsMirror } from '../../connectors/commerce/port';
import { commerceMirrorConsumer } from './commerce/mirror-consumer';
import { returnsExceptionResolvers } from './exceptions';

export type { ReturnsSettings } from './settings';
export { NO_WAREHOUSE, type WarehouseSettings, type WarehouseDependencies } from './warehouse';

/** The returns subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const returnsSchema: SubgraphSchema = { name: 'returns', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the returns subgraph is built with. */
export interface ReturnsDependencies {
  settings: ReturnsSettings;
  /** The subgraph's database: the commerce mirror reads returns outside its transactions. Needed with `mirrors`. */
  db?: Db;
  /** The commerce platforms returns are mirrored to, one per source; default none (nothing is mirrored). */
  mirrors?: readonly CommerceReturnsMirror[];
  /** Warehouse webhooks and file drops (`warehouse/`); default none: no route, no folder watched. */
  warehouse?: WarehouseDependencies;
}

/** The returns subgraph (return authorizations and their lifecycle) with its settings, the commerce mirrors and the warehouse intake when configured. */
export function returnsSubgraph({ settings, db, mirrors = [], warehouse }: ReturnsDependencies): SubgraphDefinition<ReturnsLoaders> {
  const intake = warehouse ? warehouseIntake(warehouse) : { routes: {}, workers: [] };
  if (mirrors.length > 0 && !db) throw new Error('returnsSubgraph needs its db to mirror returns to commerce platforms, but got mirrors without one');
  const mirroring = db && mirrors.length > 0 ? [commerceMirrorConsumer(db, mirrors)] : [];
  const resolvers = returnsResolvers(settings);
  const exceptions = returnsExceptionResolvers(settings.stuckAfterHours);
  return {
    ...returnsSchema,
    resolvers: {
      ...resolvers,
      ...exceptions.resolvers,
      Query: { ...resolvers.Query, ...exceptions.resolvers.Query },
      ReturnsKpis: { ...resolvers.ReturnsKpis, ...exceptions.resolvers.ReturnsKpis },
    },
    exceptionSources: exceptions.sources,
    loaders: returnsLoaders,
    consumers: [orderSnapshotsConsumer, refundStatusConsumer, locationsConsumer, ...mirroring],
    streams: [RETURN_STATUS_STREAM],
    routes: intake.routes,
    workers: intake.workers,
  };
}
