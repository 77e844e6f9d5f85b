import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { returnsLoaders, type ReturnsLoaders } from './loaders';
import { returnsResolvers } from './resolvers';
import { orderSnapshotsConsumer } from './consumers/order-snapshots';
import { refundStatusConsumer } from './consumers/refund-status';
import { locationsConsumer } from './consumers/locations';

/** The returns subgraph: return authorizations and their lifecycle. */
export const returnsSubgraph: SubgraphDefinition<ReturnsLoaders> = {
  name: 'returns',
  typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: returnsResolvers,
  loaders: returnsLoaders,
  consumers: [orderSnapshotsConsumer, refundStatusConsumer, locationsConsumer],
};
