import { join } from 'node:path';
import { loadTypeDefs, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import type { Db } from '../../platform/db';
import type { Route } from '../../platform/http/server';
import type { ErpConnector } from '../../connectors/erp/port';
import { refundsLoaders, type RefundsLoaders } from './loaders';
import { refundsResolvers } from './resolvers';
import { refundsOperationsResolvers } from './operations/contributions';
import { refundSnapshotsConsumer } from './consumers/snapshots';
import { returnRefundsConsumer } from './consumers/return-refunds';
import { creditMemosConsumer } from './consumers/credit-memos';
import { RefundExecutor } from './execution/executor';
import { CreditMemoPoster, type CreditMemoPosterOptions } from './erp-posting/credit-memo-poster';
import { gatewayRouter, type RefundsPayments } from './payments';
import type { RefundsSettings } from './settings';
import { webhookRoute } from './webhooks';
import { REFUND_UPDATE_STREAM } from './refund-updates';
import { reconciliationParts } from './reconciliation/parts';
import { refundsExceptionSources } from './exceptions';
import { exceptionActionResolvers } from './exception-actions';
import { DEFAULT_EXCEPTION_AFTER_ATTEMPTS } from '../../platform/posting-queue/ordered-drain';

export type { RefundsSettings, ReconciliationSettings } from './settings';
export type { RefundsPayments } from './payments';
export type { SimulatedProvider } from './execution/simulated-world';

/** The refunds subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const refundsSchema: SubgraphSchema = { name: 'refunds', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the refunds subgraph is built with; `app/` chooses the connectors. */
export interface RefundsDependencies {
  /** The subgraph's database: the executor, the credit-memo consumer and the webhooks use it outside any request. */
  db: Db;
  /** The payment providers refunds are paid through. */
  payments: RefundsPayments;
  /** The ERP credit memos are posted to (by the posting worker): the process's ERP connector behind the limiter every instance shares. */
  erp: ErpConnector;
  settings: RefundsSettings;
  /** The credit-memo posting worker's options (`exceptionAfterAttempts` is `ERP_POSTING_EXCEPTION_AFTER_ATTEMPTS`); defaults in `OrderedDrain`. */
  erpPosting?: CreditMemoPosterOptions;
}

/** The refunds subgraph: refund calculation, execution, settlement and credit memos. */
export function refundsSubgraph({ db, payments, erp, settings, erpPosting }: RefundsDependencies): SubgraphDefinition<RefundsLoaders> {
  const reconciliation = reconciliationParts(db, payments, erp, settings.reconciliation);
  const exceptionAfterAttempts = erpPosting?.exceptionAfterAttempts ?? DEFAULT_EXCEPTION_AFTER_ATTEMPTS;
  const resolvers = reconciliation.withResolvers(refundsResolvers(settings, payments.storeCredit));
  const actions = exceptionActionResolvers(exceptionAfterAttempts);
  return {
    ...refundsSchema,
    resolvers: { ...resolvers, ...actions, ...refundsOperationsResolvers, Mutation: { ...resolvers.Mutation, ...actions.Mutation } },
    exceptionSources: refundsExceptionSources(exceptionAfterAttempts),
    loaders: refundsLoaders,
    consumers: [refundSnapshotsConsumer, returnRefundsConsumer, creditMemosConsumer()],
    streams: [REFUND_UPDATE_STREAM],
    workers: [
      new RefundExecutor(db, gatewayRouter(db, payments), { concurrency: settings.executorConcurrency }),
      new CreditMemoPoster(db, erp, erpPosting),
      reconciliation.worker,
    ],
    routes: Object.fromEntries(payments.verifiers.map((verifier): [string, Route] => [`/webhooks/${verifier.provider}`, webhookRoute(db, verifier)])),
  };
}
