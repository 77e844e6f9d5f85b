import {
  Kind,
  getNamedType,
  getNullableType,
  isAbstractType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Assumed size of a list whose size the operation does not state with `first`/`last`. Ten is a
 * typical page; an unbounded list costing as much as ten items keeps honest queries cheap while
 * nested unbounded lists still multiply fast enough to be stopped.
 */
export const DEFAULT_LIST_SIZE = 10;

/** How deep and how costly an operation is, statically, before any subgraph is asked. */
export interface OperationMeasure {
  /** Longest chain of nested fields (`{ a { b } }` is 2). */
  depth: number;
  /** Every field counts 1, multiplied by the size of each list it sits in. */
  cost: number;
}

/** The size argument of a paginated field, when the operation states one. */
const SIZE_ARGUMENTS = ['first', 'last'];

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

/**
 * Measures an operation. Fragments are followed (a spread is measured where it is used);
 * introspection fields (`__schema`, `__type`, `__typename`) cost nothing, since clients and tools
 * must always be able to introspect and Apollo answers those without the subgraphs.
 *
 * A field returning a list multiplies what it selects by its `first`/`last` argument, or by
 * `DEFAULT_LIST_SIZE` when it has none; a Relay connection field (with `first`) multiplies its
 * selection by `first`, and the `edges`/`nodes` lists inside a connection are not counted again.
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown> = {},
): OperationMeasure {
  const root = schema.getRootType(operation.operation);
  if (!root) return { depth: 0, cost: 0 };
  const walk: Walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables };
  return measureSelections(walk, root, operation.selectionSet, new Set());
}

function measureSelections(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, path: Set<string>): OperationMeasure {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    let measure: OperationMeasure;
    if (selection.kind === Kind.FIELD) {
      measure = measureField(walk, parent, selection, path);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      measure = measureSelections(walk, typeCondition(walk, selection.typeCondition?.name.value) ?? parent, selection.selectionSet, path);
    } else {
      const name = selection.name.value;
      const fragment = walk.fragments.get(name);
      // Validation refuses unknown and cyclic fragments; the guard only keeps a bad document from looping.
      if (!fragment || path.has(name)) continue;
      const inner = new Set(path).add(name);
      measure = measureSelections(walk, typeCondition(walk, fragment.typeCondition.name.value) ?? parent, fragment.selectionSet, inner);
    }
    depth = Math.max(depth, measure.depth);
    cost += measure.cost;
  }
  return { depth, cost };
}

function measureField(walk: Walk, parent: GraphQLCompositeType, field: FieldNode, path: Set<string>): OperationMeasure {
  const name = field.name.value;
  if (name.startsWith('__')) return { depth: 0, cost: 0 };
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!definition) return { depth: 1, cost: 1 };
  if (!field.selectionSet) return { depth: 1, cost: 1 };
  const named = getNamedType(definition.type) as GraphQLNamedType;
  const child = isObjectType(named) || isAbstractType(named) ? named : undefined;
  const inner = child ? measureSelections(walk, child, field.selectionSet, path) : { depth: 0, cost: 0 };
  const multiplier = listMultiplier(walk, parent, field, isListType(getNullableType(definition.type)));
  return { depth: 1 + inner.depth, cost: 1 + multiplier * inner.cost };
}

function listMultiplier(walk: Walk, parent: GraphQLCompositeType, field: FieldNode, returnsList: boolean): number {
  const stated = statedSize(walk, field);
  if (stated !== undefined) return stated;
  if (!returnsList) return 1;
  // The connection's own `first` already counted these items.
  if (parent.name.endsWith('Connection') && (field.name.value === 'edges' || field.name.value === 'nodes')) return 1;
  return DEFAULT_LIST_SIZE;
}

function statedSize(walk: Walk, field: FieldNode): number | undefined {
  for (const argument of field.arguments ?? []) {
    if (!SIZE_ARGUMENTS.includes(argument.name.value)) continue;
    const value = valueFromASTUntyped(argument.value, walk.variables);
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.max(1, Math.floor(value));
  }
  return undefined;
}

function typeCondition(walk: Walk, name: string | undefined): GraphQLCompositeType | undefined {
  if (!name) return undefined;
  const type = walk.schema.getType(name);
  return type && (isObjectType(type) || isAbstractType(type)) ? type : undefined;
}
