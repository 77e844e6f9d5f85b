import type { ApolloGateway } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import { readLimits, type LimitTable } from '../../platform/graphql/input-limits';
import { useInputLimits } from '../../platform/graphql/input-limits-plugin';
import type { GatewayContext } from '../context';

/**
 * Enforces the supergraph's input limits before the gateway plans an operation, so a value a
 * subgraph would refuse never leaves the gateway. The limits are the subgraphs' own `@limit`
 * declarations, which composition keeps in the supergraph; they are re-read on every schema update.
 */
export function useSupergraphInputLimits(gateway: ApolloGateway): ApolloServerPlugin<GatewayContext> {
  let limits: LimitTable = new Map();
  gateway.onSchemaLoadOrUpdate(({ coreSupergraphSdl }) => {
    limits = readLimits(coreSupergraphSdl);
  });
  return useInputLimits<GatewayContext>({ limits: () => limits, httpStatus: 400 });
}
