import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { resolvers } from './resolvers';

/** The orders subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const ordersSchema: SubgraphSchema = { name: 'orders', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/**
 * The orders subgraph: order lookup and order ingestion from commerce platforms. It uses nothing
 * but the database every resolver receives in its context, so its factory takes no dependencies.
 */
export function ordersSubgraph(): SubgraphDefinition<OrdersLoaders> {
  return { ...ordersSchema, resolvers, loaders: createOrdersLoaders };
}

export type { OrdersLoaders } from './loaders';
export { recordOrder, type RecordOrderPayload } from './record-order';
export { OrdersStore } from './store';
