import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from './errors';
import { findInputViolation, InputMessages } from './input-check';
import type { LimitTable } from './input-limits';

/** Options of `useInputLimits`. */
export interface InputLimitsOptions {
  /** The limits in force; read per request so a reloaded schema takes effect at once. */
  limits: () => LimitTable;
  /**
   * HTTP status of the refusal. The gateway ends the request with 400, as GraphQL does for a
   * value it cannot coerce; a subgraph answers 200, because the gateway discards the error codes
   * of a non-2xx subgraph answer and the client would see an internal error instead.
   */
  httpStatus: 200 | 400;
}

/**
 * Refuses an operation whose arguments break the schema's input limits (`@limit`, text hygiene,
 * page sizes, scalar formats) with `BAD_USER_INPUT`, once the operation is resolved and before
 * any resolver runs, so such a value never reaches SQL. `extensions.argument` names the path.
 */
export function useInputLimits<TContext extends BaseContext>(options: InputLimitsOptions): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          if (!operation) return;
          const violation = findInputViolation(schema, document, operation, request.variables ?? {}, options.limits());
          if (!violation) return;
          throw new GraphQLError(InputMessages.violation(violation), {
            extensions: { code: ErrorCode.BAD_USER_INPUT, argument: violation.argument, http: { status: options.httpStatus } },
          });
        },
      };
    },
  };
}
