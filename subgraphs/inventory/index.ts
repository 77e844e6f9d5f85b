import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import type { ErpConnector } from '../../connectors/erp/port';
import { inventoryLoaders, type InventoryLoaders } from './loaders';
import { inventoryResolvers } from './resolvers';
import { returnStockConsumer } from './consumers/return-stock';
import { erpSyncConsumer } from './consumers/erp-sync';

/** The inventory subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const inventorySchema: SubgraphSchema = { name: 'inventory', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the inventory subgraph is built with. */
export interface InventoryDependencies {
  /** The ERP stock movements are posted to: the process's one (throttled) ERP connector, shared with refunds. */
  erp: ErpConnector;
}

/** The inventory subgraph: the disposition-aware stock ledger and availability to sell. */
export function inventorySubgraph({ erp }: InventoryDependencies): SubgraphDefinition<InventoryLoaders> {
  return {
    ...inventorySchema,
    resolvers: inventoryResolvers,
    loaders: inventoryLoaders,
    consumers: [returnStockConsumer, erpSyncConsumer(erp)],
  };
}
