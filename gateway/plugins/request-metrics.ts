import type { ApolloServerPlugin } from '@apollo/server';
import { recordGatewayRequest, stopwatch } from '../../platform/metrics';

/**
 * Counts and times every client operation for `/metrics`: operation name (bounded: `anonymous`,
 * `other` past a cap), type and status (`ok` or the first error's `extensions.code`). A request
 * refused while its context is built (a bad token) counts with type `unknown`. O(1) per request.
 */
export function useRequestMetrics(): ApolloServerPlugin {
  return {
    async contextCreationDidFail({ error }) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      recordGatewayRequest(undefined, undefined, String(code ?? 'INTERNAL_SERVER_ERROR'), 0);
    },
    async requestDidStart() {
      const elapsed = stopwatch();
      return {
        async willSendResponse({ operationName, operation, request, response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const code = errors.length > 0 ? String(errors[0]?.extensions?.code ?? 'UNKNOWN') : undefined;
          recordGatewayRequest(operationName ?? request.operationName, operation?.operation, code, elapsed());
        },
      };
    },
  };
}
