import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import type { Db } from '../../platform/db';
import { DEFAULT_EXCEPTION_AFTER_ATTEMPTS, type OrderedDrainOptions } from '../../platform/posting-queue/ordered-drain';
import type { ErpConnector } from '../../connectors/erp/port';
import { inventoryLoaders, type InventoryLoaders } from './loaders';
import { inventoryResolvers } from './resolvers';
import { inventoryOperationsResolvers } from './operations/contributions';
import { returnStockConsumer } from './consumers/return-stock';
import { erpSyncConsumer } from './consumers/erp-sync';
import { StockMovementPoster } from './erp-posting/stock-movement-poster';
import { stockPostingResolvers, stockPostingSource } from './exceptions';

/** The inventory subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const inventorySchema: SubgraphSchema = { name: 'inventory', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the inventory subgraph is built with. */
export interface InventoryDependencies {
  /** The subgraph's database: the stock-movement posting worker uses it outside any request. */
  db: Db;
  /** The ERP stock movements are posted to (by the posting worker): the ERP connector behind the limiter every instance shares. */
  erp: ErpConnector;
  /** The posting worker's options (`exceptionAfterAttempts` is `ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS`); defaults in `OrderedDrain`. */
  erpPosting?: OrderedDrainOptions;
}

/** The inventory subgraph: the disposition-aware stock ledger and availability to sell. */
export function inventorySubgraph({ db, erp, erpPosting }: InventoryDependencies): SubgraphDefinition<InventoryLoaders> {
  const exceptionAfterAttempts = erpPosting?.exceptionAfterAttempts ?? DEFAULT_EXCEPTION_AFTER_ATTEMPTS;
  const actions = stockPostingResolvers(exceptionAfterAttempts);
  return {
    ...inventorySchema,
    resolvers: { ...inventoryResolvers, ...inventoryOperationsResolvers, Mutation: { ...inventoryResolvers.Mutation, ...actions.Mutation } },
    exceptionSources: [stockPostingSource(exceptionAfterAttempts)],
    loaders: inventoryLoaders,
    consumers: [returnStockConsumer, erpSyncConsumer()],
    workers: [new StockMovementPoster(db, erp, erpPosting)],
  };
}
