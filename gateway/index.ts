/** The gateway of Returns Graph: one federated endpoint over the subgraphs (see README.md). */
export { startGateway, type GatewayOptions, type RunningGateway } from './server';
export type { GatewayContext } from './context';
export {
  RegistrySupergraphSource,
  DEFAULT_POLL_INTERVAL_MS,
  STARTUP_TIMEOUT_MS,
  type SupergraphState,
  type SupergraphPhase,
  type RegistrySupergraphSourceOptions,
} from './supergraph-source';
export { SubgraphDataSource } from './data-source';
export { createSubgraphFetcher, type SubgraphFetcher } from './fetcher';
export { bearerAuth, type Authenticated, type BearerAuthOptions } from './plugins/auth';
export { withCorrelation } from './plugins/correlation';
export { useOperationLimits, MAX_DEPTH, MAX_COST, type OperationLimitsOptions } from './plugins/limits';
export { measureOperation, DEFAULT_LIST_SIZE, type OperationMeasure } from './plugins/operation-cost';
export { useRequestLogging } from './plugins/request-logging';
export { useIntrospectionPolicy, mayIntrospect, INTROSPECTION_POLICIES, DEFAULT_INTROSPECTION_POLICY, type IntrospectionPolicy } from './plugins/introspection';
