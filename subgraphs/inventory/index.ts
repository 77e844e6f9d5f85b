import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { inventoryLoaders, type InventoryLoaders } from './loaders';
import { inventoryResolvers } from './resolvers';
import { returnStockConsumer } from './consumers/return-stock';
import { erpSyncConsumer } from './consumers/erp-sync';
import { defaultErp } from '../../connectors/erp/default-erp';

/** The inventory subgraph: the disposition-aware stock ledger and availability to sell. */
export const inventorySubgraph: SubgraphDefinition<InventoryLoaders> = {
  name: 'inventory',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: inventoryResolvers,
  loaders: inventoryLoaders,
  // The reference ERP is the embedded default's system of record; a NetSuite connector would plug in here.
  consumers: (db) => [returnStockConsumer, erpSyncConsumer(defaultErp(db))],
};
