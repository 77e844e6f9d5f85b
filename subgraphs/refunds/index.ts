import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { refundsLoaders, type RefundsLoaders } from './loaders';
import { refundsResolvers } from './resolvers';

/** The refunds subgraph: refund calculation, execution, settlement and credit memos. */
export const refundsSubgraph: SubgraphDefinition<RefundsLoaders> = {
  name: 'refunds',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: refundsResolvers,
  loaders: refundsLoaders,
};
