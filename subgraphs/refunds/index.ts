import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition } from '../../platform/subgraph';
import { refundsLoaders, type RefundsLoaders } from './loaders';
import { refundsResolvers } from './resolvers';
import type { Db } from '../../platform/db';
import type { Route } from '../../platform/http/server';
import { defaultErp } from '../../connectors/erp/default-erp';
import { refundSnapshotsConsumer } from './consumers/snapshots';
import { returnRefundsConsumer } from './consumers/return-refunds';
import { creditMemosConsumer } from './consumers/credit-memos';
import { RefundExecutor } from './execution/executor';
import { paymentsFor, type Payments } from './payments';
import type { RefundsSettings } from './settings';
import { webhookRoute } from './webhooks';
import { REFUND_UPDATE_STREAM } from './refund-updates';

export type { RefundsSettings } from './settings';

const typeDefs = loadTypeDefs(join(__dirname, 'schema.graphql'));

/** The refunds subgraph (refund calculation, execution, settlement and credit memos) with its settings. */
export function refundsSubgraph(settings: RefundsSettings): SubgraphDefinition<RefundsLoaders> {
  // One payments set-up per database: the executor and the webhook routes share it.
  const paymentsPerDb = new WeakMap<Db, Payments>();
  const payments = (db: Db): Payments => {
    let found = paymentsPerDb.get(db);
    if (!found) {
      found = paymentsFor(db, settings.payments);
      paymentsPerDb.set(db, found);
    }
    return found;
  };
  return {
    name: 'refunds',
    typeDefs,
    resolvers: refundsResolvers(settings),
    loaders: refundsLoaders,
    consumers: (db) => [refundSnapshotsConsumer, returnRefundsConsumer, creditMemosConsumer(db, defaultErp(db))],
    streams: [REFUND_UPDATE_STREAM],
    workers: (db) => [new RefundExecutor(db, payments(db).router)],
    routes: (db) =>
      Object.fromEntries(payments(db).verifiers.map((verifier): [string, Route] => [`/webhooks/${verifier.provider}`, webhookRoute(db, verifier)])),
  };
}
