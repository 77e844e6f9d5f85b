import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type FragmentDefinitionNode } from 'graphql';
import { ErrorCode, requestError } from '../../platform/graphql/errors';
import { GatewayMessages } from '../messages';
import { measureOperation } from './operation-cost';

/**
 * Deepest operation accepted. Our graph's longest honest path (order → returns → lines →
 * inventory item → availability → location, inside connection edges) is under ten levels; twelve
 * leaves room and still stops the recursive `order { returns { order { returns ... } } }` abuse.
 */
export const MAX_DEPTH = 12;
/**
 * Costliest operation accepted (see `measureOperation`). A POS screen or a return detail page
 * costs tens to a few hundred; 5,000 allows a 100-row report with a dozen fields per row and
 * refuses requests that would fan out into tens of thousands of subgraph rows.
 */
export const MAX_COST = 5_000;

/** Options of `useOperationLimits`. */
export interface OperationLimitsOptions {
  /** Default `MAX_DEPTH`. */
  maxDepth?: number;
  /** Default `MAX_COST`. */
  maxCost?: number;
}

/**
 * Refuses over-deep and over-costly operations with `QUERY_TOO_COMPLEX` once the operation is
 * resolved and before the gateway plans it, so an abusive query never reaches a subgraph. The
 * error ends the request with HTTP 400; its message states the measure and the limit.
 */
export function useOperationLimits(options: OperationLimitsOptions = {}): ApolloServerPlugin {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const maxCost = options.maxCost ?? MAX_COST;
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
          const { depth, cost } = measureOperation(schema, operation, fragments, request.variables ?? {});
          if (depth > maxDepth) {
            throw requestError(ErrorCode.QUERY_TOO_COMPLEX, GatewayMessages.tooDeep(depth, maxDepth));
          }
          if (cost > maxCost) {
            throw requestError(ErrorCode.QUERY_TOO_COMPLEX, GatewayMessages.tooCostly(cost, maxCost));
          }
        },
      };
    },
  };
}
