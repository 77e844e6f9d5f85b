import { Supergraph, type Schema } from '@apollo/federation-internals';
import { findBreakingChanges, specifiedScalarTypes, type GraphQLSchema } from 'graphql';

/** A change that can break an existing client operation, as graphql-js names it (`FIELD_REMOVED`, ...). */
export interface BreakingChange {
  type: string;
  description: string;
}

/**
 * Standard scalars vanish from a schema when nothing references them any more. That is never a
 * break on its own: the field that stopped using `Int` is already reported.
 */
const STANDARD_SCALARS = new Set(specifiedScalarTypes.map((type) => type.name));

/**
 * The schema clients see (federation directives and join types removed) of a freshly composed
 * supergraph.
 */
export function apiSchemaOf(composed: Schema): GraphQLSchema {
  return composed.toAPISchema().toGraphQLJSSchema();
}

/** The client-facing API schema of a stored supergraph SDL. */
export function apiSchemaOfSupergraph(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/**
 * Changes from `current` to `candidate` that can break clients: removed types, fields,
 * arguments and enum values, changed field or argument types, new required arguments and input
 * fields. We compare API schemas, not subgraph SDLs, because moving a field between subgraphs is
 * invisible to clients and must not count as a break.
 */
export function findApiBreakingChanges(current: GraphQLSchema, candidate: GraphQLSchema): BreakingChange[] {
  return findBreakingChanges(current, candidate)
    .filter((change) => !(change.type === 'TYPE_REMOVED' && isStandardScalarRemoval(change.description)))
    .map((change) => ({ type: change.type, description: change.description }));
}

/** graphql-js describes these as "Standard scalar Int was removed ...". */
function isStandardScalarRemoval(description: string): boolean {
  const match = /^Standard scalar (\w+) was removed/.exec(description);
  return match !== null && STANDARD_SCALARS.has(match[1] ?? '');
}
