import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { resolvers } from './resolvers';

/** The orders subgraph: order lookup and order ingestion from commerce platforms. */
export const ordersSubgraph: SubgraphDefinition<OrdersLoaders> = {
  name: 'orders',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers,
  loaders: createOrdersLoaders,
};

export type { OrdersLoaders } from './loaders';
export { recordOrder, type RecordOrderPayload } from './record-order';
export { OrdersStore } from './store';
