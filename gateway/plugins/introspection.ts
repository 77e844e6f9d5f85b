import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, Kind, visit, type DocumentNode } from 'graphql';
import { hasRole, type Principal, type Role } from '../../platform/auth';
import { ErrorCode, requestError } from '../../platform/graphql/errors';
import type { GatewayContext } from '../context';
import { GatewayMessages } from '../messages';

/** Who may introspect the graph: staff and service roles, every authenticated caller, or nobody. */
export const INTROSPECTION_POLICIES = ['staff', 'all', 'off'] as const;
export type IntrospectionPolicy = (typeof INTROSPECTION_POLICIES)[number];

/**
 * The default in every run mode. Staff build and debug against the schema; a customer's or a
 * partner's token is held by an app or an integration outside our control, and the schema would
 * map every privileged operation for whoever extracts that token. Anonymous callers never reach
 * here: every operation needs a token.
 */
export const DEFAULT_INTROSPECTION_POLICY: IntrospectionPolicy = 'staff';

/** The roles `staff` admits: everyone but customers and marketplace partners. */
const STAFF_AND_SERVICE_ROLES: readonly Role[] = ['store_associate', 'store_manager', 'service_desk', 'finance', 'operations_admin', 'service'];

/** Introspection fields that describe the schema; `__typename` describes a value and stays free. */
const SCHEMA_FIELDS = new Set(['__schema', '__type']);

/** graphql-js's "Did you mean …?" tail, which names fields and types of the schema. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/** Drops the suggestions from validation errors, in place, so they name nothing of the schema. */
export function withoutSuggestions<T extends { message: string }>(errors: readonly T[]): readonly T[] {
  for (const error of errors) error.message = error.message.replace(SUGGESTION, '');
  return errors;
}

/** True when `principal` may introspect under `policy`. */
export function mayIntrospect(policy: IntrospectionPolicy, principal: Principal): boolean {
  if (policy === 'all') return true;
  if (policy === 'off') return false;
  return hasRole(principal, ...STAFF_AND_SERVICE_ROLES);
}

/** True when the document selects `__schema` or `__type` anywhere, fragments included. */
export function selectsSchema(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    [Kind.FIELD](node) {
      if (!SCHEMA_FIELDS.has(node.name.value)) return undefined;
      found = true;
      return BREAK;
    },
  });
  return found;
}

/**
 * Enforces the introspection policy per caller. A refused caller gets FORBIDDEN (HTTP 403) before
 * execution, so no part of the schema is answered, and its validation errors lose graphql-js's
 * "Did you mean …?" suggestions, which would otherwise spell out field and type names one typo at
 * a time. Every caller is authenticated by the time these hooks run (the context function throws
 * UNAUTHENTICATED first).
 */
export function useIntrospectionPolicy(policy: IntrospectionPolicy): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue }) {
      const allowed = mayIntrospect(policy, contextValue.principal);
      return {
        async validationDidStart() {
          return async (errors) => {
            if (!allowed) withoutSuggestions(errors ?? []);
          };
        },
        async didResolveOperation({ document }) {
          if (!allowed && selectsSchema(document)) throw requestError(ErrorCode.FORBIDDEN, GatewayMessages.introspectionRefused);
        },
      };
    },
  };
}
