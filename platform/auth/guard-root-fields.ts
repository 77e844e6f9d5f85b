import { assertMayPerform } from './authorize';
import { operationOf } from './capabilities';
import type { Principal } from './principal';

/** The root types whose fields are operations of the capability table. */
const GUARDED_ROOT_TYPES = ['Query', 'Mutation'] as const;

type Resolver = (parent: unknown, args: unknown, context: { principal: Principal }, info: unknown) => unknown;

/**
 * Wraps every `Query` and `Mutation` resolver of a subgraph so that it asks the capability table
 * (`assertMayPerform`) before it runs: a resolver cannot forget the check, and a root field the
 * table does not know stops the subgraph at start-up instead of answering everyone. Checks that
 * need the loaded row (scope: own customer, store, marketplace) stay in the resolvers (`authorize`).
 */
export function guardRootFields<T extends Record<string, unknown>>(resolvers: T): T {
  const guarded: Record<string, unknown> = { ...resolvers };
  for (const type of GUARDED_ROOT_TYPES) {
    const fields = resolvers[type] as Record<string, unknown> | undefined;
    if (!fields) continue;
    guarded[type] = Object.fromEntries(Object.entries(fields).map(([field, resolve]) => [field, guard(type, field, resolve)]));
  }
  return guarded as T;
}

function guard(type: string, field: string, resolve: unknown): Resolver {
  const operation = operationOf(field);
  if (!operation) throw new Error(`${type}.${field} has no row in the capability table (platform/auth/capabilities.ts); add one before serving it.`);
  if (typeof resolve !== 'function') throw new TypeError(`${type}.${field} must be a resolver function, but got: ${typeof resolve}`);
  const inner = resolve as Resolver;
  return (parent, args, context, info) => {
    assertMayPerform(context.principal, operation);
    return inner(parent, args, context, info);
  };
}
