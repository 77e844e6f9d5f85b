import { join } from 'node:path';
import type { Db } from '../../platform/db';
import type { Route } from '../../platform/http/server';
import { loadTypeDefs, type ResolverMap, type SubgraphDefinition, type SubgraphSchema } from '../../platform/subgraph';
import type { CommerceConnector } from '../../connectors/commerce/port';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { resolvers } from './resolvers';
import { ordersOperationsResolvers } from './operations/contributions';
import { CommerceIntake, type IntakeOptions } from './commerce/intake-worker';
import { commerceWebhookPath, commerceWebhookRoute } from './commerce/webhook-route';
import { commerceDeliveryResolvers } from './commerce/delivery-resolvers';

/** The orders subgraph's name and SDL, without its dependencies (what the registry publishes). */
export const ordersSchema: SubgraphSchema = { name: 'orders', typeDefs: loadTypeDefs(join(__dirname, 'schema.graphql')) };

/** What the orders subgraph is built with. */
export interface OrdersDependencies {
  /** The subgraph's database: the commerce intake uses it outside any request. */
  db: Db;
  /**
   * The commerce platforms whose webhooks it takes (`POST /webhooks/commerce/<source>`), one
   * connector per source; default none (orders then arrive through `recordOrder` only).
   */
  commerce?: readonly CommerceConnector[];
  /** The intake worker's poll and retry schedule; tests shorten them. */
  intake?: IntakeOptions;
}

/**
 * The orders subgraph: order lookup, and order ingestion from commerce platforms — the
 * `recordOrder` mutation, and each configured platform's webhooks through an inbox the intake
 * worker applies (`commerce/`).
 */
export function ordersSubgraph({ db, commerce = [], intake: options }: OrdersDependencies): SubgraphDefinition<OrdersLoaders> {
  const sources = new Set(commerce.map((connector) => connector.source));
  if (sources.size !== commerce.length)
    throw new Error(`ordersSubgraph needs one commerce connector per source, but got: ${commerce.map((c) => c.source).join(', ')}`);
  const intake = new CommerceIntake(
    db,
    commerce.map((connector) => connector.webhooks),
    options,
  );
  const wake = () => intake.wake();
  const operations: ResolverMap = commerceDeliveryResolvers(wake);
  return {
    ...ordersSchema,
    resolvers: {
      ...resolvers,
      ...operations,
      ...ordersOperationsResolvers,
      Query: { ...resolvers.Query, ...operations.Query },
      Mutation: { ...resolvers.Mutation, ...operations.Mutation },
    },
    loaders: createOrdersLoaders,
    workers: [intake],
    routes: Object.fromEntries(
      commerce.map((connector): [string, Route] => [commerceWebhookPath(connector.source), commerceWebhookRoute(db, connector.webhooks, wake)]),
    ),
  };
}

export type { OrdersLoaders } from './loaders';
export { recordOrder, recordNewOrder, type RecordOrderPayload } from './record-order';
export { OrdersStore } from './store';
export { CommerceIntake, type IntakeOptions } from './commerce/intake-worker';
