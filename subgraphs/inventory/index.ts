import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { inventoryLoaders, type InventoryLoaders } from './loaders';
import { inventoryResolvers } from './resolvers';

/** The inventory subgraph: the disposition-aware stock ledger and availability to sell. */
export const inventorySubgraph: SubgraphDefinition<InventoryLoaders> = {
  name: 'inventory',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: inventoryResolvers,
  loaders: inventoryLoaders,
};
