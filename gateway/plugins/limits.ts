import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type GraphQLError, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, requestError } from '../../platform/graphql/errors';
import { GatewayMessages } from '../messages';
import { ESTIMATED_BYTES_PER_VALUE, MAX_RESPONSE_BYTES, openResponseBudget, responseBudgetOf } from '../response-budget';
import { measureOperation } from './operation-cost';

/**
 * Deepest operation accepted. Our graph's longest honest path (order → returns → lines →
 * inventory item → availability → location, inside connection edges) is under ten levels; twelve
 * leaves room and still stops the recursive `order { returns { order { returns ... } } }` abuse.
 */
export const MAX_DEPTH = 12;
/**
 * Costliest operation accepted (see `measureOperation`: about one unit per value in the answer).
 * A POS screen or a return detail page costs tens to a few hundred, the README's order lookup
 * with availability at every location about 3,100; 5,000 allows a 100-row report with a dozen
 * fields per row and refuses requests that would fan out into tens of thousands of subgraph rows.
 */
export const MAX_COST = 5_000;

/** Limits of one operation; every field defaults to the constant of the same name. */
export interface OperationLimitsOptions {
  maxDepth?: number;
  maxCost?: number;
  /** Cap on the answer's bytes (estimated before execution, counted while subgraphs answer). */
  maxResponseBytes?: number;
}

/**
 * Why an operation must not run, or undefined when it may: too deep, too costly, or an answer
 * estimated over the byte cap (QUERY_TOO_COMPLEX, checked first: arguments are priced as asked),
 * else an argument out of its bounds (BAD_USER_INPUT, naming the argument). Decided from the
 * document and variables alone, before any subgraph is called; shared by HTTP operations and
 * subscriptions.
 */
export function operationLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimitsOptions = {},
): GraphQLError | undefined {
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  const { depth, cost, refusedArguments } = measureOperation(schema, operation, fragments, variables);
  const maxDepth = limits.maxDepth ?? MAX_DEPTH;
  if (depth > maxDepth) return requestError(ErrorCode.QUERY_TOO_COMPLEX, GatewayMessages.tooDeep(depth, maxDepth));
  const maxCost = limits.maxCost ?? MAX_COST;
  if (cost > maxCost) return requestError(ErrorCode.QUERY_TOO_COMPLEX, GatewayMessages.tooCostly(cost, maxCost));
  const maxBytes = limits.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  const estimatedBytes = cost * ESTIMATED_BYTES_PER_VALUE;
  if (estimatedBytes > maxBytes) return requestError(ErrorCode.QUERY_TOO_COMPLEX, GatewayMessages.tooLargeEstimate(estimatedBytes, maxBytes));
  const [refused] = refusedArguments;
  if (refused) return requestError(ErrorCode.BAD_USER_INPUT, refused.message, { argument: refused.argument, field: refused.field });
  return undefined;
}

/**
 * Enforces `operationLimitError` once the operation is resolved and before the gateway plans it,
 * so a refused operation never reaches a subgraph (HTTP 400). Then caps the answer: every
 * subgraph answer of the operation is read within one byte budget (`response-budget.ts`), and an
 * operation that crosses it is answered with `RESPONSE_TOO_LARGE` alone, without partial data.
 *
 * Operations that did not arrive over HTTP are the gateway's own: the subscription hub's live and
 * catch-up queries, derived from a subscription whose selection was measured when it was accepted
 * (ws-server.ts) and paged by the hub. They skip the cost check (a catch-up page is 500 items by
 * design) but not the byte budget.
 */
export function useOperationLimits(limits: OperationLimitsOptions = {}): ApolloServerPlugin {
  const maxResponseBytes = limits.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  return {
    async requestDidStart({ contextValue }) {
      openResponseBudget(contextValue, maxResponseBytes);
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation || !request.http) return;
          const error = operationLimitError(schema, document, operation, request.variables ?? {}, limits);
          if (error) throw error;
        },
        async willSendResponse({ contextValue: context, response }) {
          if (!responseBudgetOf(context)?.exceeded || response.body.kind !== 'single') return;
          const message = GatewayMessages.responseTooLarge(maxResponseBytes);
          response.body.singleResult = { errors: [{ message, extensions: { code: ErrorCode.RESPONSE_TOO_LARGE } }] };
          if (response.http) response.http.status = 400;
        },
      };
    },
  };
}
