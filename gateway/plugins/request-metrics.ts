import type { ApolloServerPlugin } from '@apollo/server';
import { recordGatewayRequest, stopwatch } from '../../platform/metrics';

/**
 * Counts and times every client operation for `/metrics`: operation name (bounded: `anonymous`,
 * `other` past a cap), type and status (`ok` or the first error's `extensions.code`). A request
 * that never resolved to an operation (it did not parse or validate, or its token was refused
 * while the context was built) counts as operation `unresolved`, type `unknown`. O(1) per request.
 */
export function useRequestMetrics(): ApolloServerPlugin {
  return {
    async contextCreationDidFail({ error }) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      // Not timed: a refusal before the operation starts would only pull the latency histogram down.
      recordGatewayRequest(undefined, undefined, String(code ?? 'INTERNAL_SERVER_ERROR'), undefined);
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
