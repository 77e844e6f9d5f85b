import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { returnsLoaders, type ReturnsLoaders } from './loaders';
import { returnsResolvers } from './resolvers';
import { orderSnapshotsConsumer } from './consumers/order-snapshots';
import { refundStatusConsumer } from './consumers/refund-progress';
import { locationsConsumer } from './consumers/locations';
import { RETURN_STATUS_STREAM } from './status-updates';
import type { ReturnsSettings } from './settings';

export type { ReturnsSettings } from './settings';

const typeDefs = loadTypeDefs(join(__dirname, 'schema.graphql'));

/** The returns subgraph (return authorizations and their lifecycle) with its settings. */
export function returnsSubgraph(settings: ReturnsSettings): SubgraphDefinition<ReturnsLoaders> {
  return {
    name: 'returns',
    typeDefs,
    resolvers: returnsResolvers(settings),
    loaders: returnsLoaders,
    consumers: [orderSnapshotsConsumer, refundStatusConsumer, locationsConsumer],
    streams: [RETURN_STATUS_STREAM],
  };
}
