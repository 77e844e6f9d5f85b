import { performance } from 'node:perf_hooks';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';

/**
 * Writes a log line per operation: its name, duration, HTTP status and the `extensions.code` of
 * each error returned. An operation that failed in any way (errors, refused) is logged at `info`;
 * a clean success only at `debug`: at the default level the busiest path writes nothing, and the
 * line is not even built (a profile under load showed the per-operation line as a cost of its own;
 * `/metrics` counts and times every operation anyway). The correlation id comes from the request
 * scope (logger mixin), so a line can be matched to the subgraph lines of the same request.
 */
export function useRequestLogging(log: Logger): ApolloServerPlugin {
  return {
    async contextCreationDidFail({ error }) {
      // Authentication runs while the context is built; a refused token ends the request here.
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      log.info({ operationName: null, durationMs: 0, errorCodes: [String(code ?? 'INTERNAL_SERVER_ERROR')] }, 'operation refused');
    },
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ operationName, request, response }) {
          const errors: readonly GraphQLFormattedError[] = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const level = errors.length > 0 ? 'info' : 'debug';
          if (!log.isLevelEnabled(level)) return;
          log[level](
            {
              operationName: operationName ?? request.operationName ?? null,
              durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
              status: response.http.status ?? 200,
              errorCodes: errors.map((error) => String(error.extensions?.code ?? 'UNKNOWN')),
            },
            'operation',
          );
        },
      };
    },
  };
}
