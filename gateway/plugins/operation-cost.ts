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
import { GatewayMessages } from '../messages';
import { costRule, type ListSizeRule } from './cost-rules';

/**
 * Assumed size of a list that neither the operation nor a cost rule sizes: lists inside an object
 * (an order's lines, a return's refunds) whose length the data decides. Ten is more than most
 * orders and returns hold; lists whose size an argument decides have rules (`COST_RULES`).
 */
export const DEFAULT_LIST_SIZE = 10;

/** An argument outside its rule's bounds: refused with BAD_USER_INPUT before any subgraph call. */
export interface RefusedArgument {
  /** `Type.field` of the field that takes it. */
  field: string;
  argument: string;
  /** What the client did wrong, for the error message. */
  message: string;
}

/** How deep and how costly an operation is, statically, before any subgraph is asked. */
export interface OperationMeasure {
  /** Longest chain of nested fields (`{ a { b } }` is 2). */
  depth: number;
  /** Every field counts 1, multiplied by the size of each list it sits in. */
  cost: number;
  /** Arguments outside their rule's bounds (a list too long, a page out of range), in document order. */
  refusedArguments: RefusedArgument[];
}

/** The size argument of a paginated field without a rule, when the operation states one. */
const SIZE_ARGUMENTS = ['first', 'last'];

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
  refused: RefusedArgument[];
}

/**
 * Measures an operation. Fragments are followed (a spread is measured where it is used);
 * introspection fields (`__schema`, `__type`, `__typename`) cost nothing, since clients and tools
 * must always be able to introspect and Apollo answers those without the subgraphs. Every alias
 * is a selection of its own and is counted on its own.
 *
 * A field multiplies what it selects by its size: from its rule in `COST_RULES` (page argument,
 * product of list argument lengths, or an assumed size), else its `first`/`last` argument, else
 * `DEFAULT_LIST_SIZE` for a list; nested lists multiply. The `edges`/`nodes` lists inside a
 * connection are not counted again (the connection's size already counted their items).
 */
export function measureOperation(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
  variables: Record<string, unknown> = {},
): OperationMeasure {
  const root = schema.getRootType(operation.operation);
  const walk: Walk = { schema, fragments: new Map(fragments.map((f) => [f.name.value, f])), variables, refused: [] };
  if (!root) return { depth: 0, cost: 0, refusedArguments: [] };
  const { depth, cost } = measureSelections(walk, root, operation.selectionSet, new Set());
  return { depth, cost, refusedArguments: walk.refused };
}

function measureSelections(walk: Walk, parent: GraphQLCompositeType, selectionSet: SelectionSetNode, path: Set<string>): Size {
  let depth = 0;
  let cost = 0;
  for (const selection of selectionSet.selections) {
    let measure: Size;
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

type Size = Pick<OperationMeasure, 'depth' | 'cost'>;

function measureField(walk: Walk, parent: GraphQLCompositeType, field: FieldNode, path: Set<string>): Size {
  const name = field.name.value;
  if (name.startsWith('__')) return { depth: 0, cost: 0 };
  const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
  if (!definition) return { depth: 1, cost: 1 };
  const multiplier = listMultiplier(walk, parent, field, isListType(getNullableType(definition.type)));
  // A list of scalars is one value per item.
  if (!field.selectionSet) return { depth: 1, cost: multiplier };
  const named = getNamedType(definition.type) as GraphQLNamedType;
  const child = isObjectType(named) || isAbstractType(named) ? named : undefined;
  const inner = child ? measureSelections(walk, child, field.selectionSet, path) : { depth: 0, cost: 0 };
  return { depth: 1 + inner.depth, cost: 1 + multiplier * inner.cost };
}

function listMultiplier(walk: Walk, parent: GraphQLCompositeType, field: FieldNode, returnsList: boolean): number {
  const rule = costRule(parent.name, field.name.value);
  if (rule) return ruleSize(walk, `${parent.name}.${field.name.value}`, rule, field);
  const stated = statedSize(walk, field);
  if (stated !== undefined) return stated;
  if (!returnsList) return 1;
  // The connection's own size already counted these items.
  if (parent.name.endsWith('Connection') && (field.name.value === 'edges' || field.name.value === 'nodes')) return 1;
  return DEFAULT_LIST_SIZE;
}

/** Items a field with a rule returns for this field node's arguments; records refused arguments. */
function ruleSize(walk: Walk, fieldName: string, rule: ListSizeRule, field: FieldNode): number {
  if (!rule.page && !rule.listArguments) return rule.assumed ?? 1;
  let size = rule.page ? pageSize(walk, fieldName, rule.page, field) : 1;
  for (const list of rule.listArguments ?? []) size *= listLength(walk, fieldName, list, field);
  return size;
}

/** Items a page argument asks for; a page out of range is refused unless the field clamps it. */
function pageSize(walk: Walk, fieldName: string, page: NonNullable<ListSizeRule['page']>, field: FieldNode): number {
  const { argument, max, whenAbsent, clamped } = page;
  const value = argumentValue(walk, field, argument);
  const stated = typeof value === 'number' && Number.isFinite(value) ? value : whenAbsent;
  if (stated < 0 || (!clamped && stated > max)) {
    walk.refused.push({ field: fieldName, argument, message: GatewayMessages.pageOutOfRange(argument, max, stated) });
  }
  // Priced as asked: a page over `max` is refused anyway, unless the field clamps it.
  const asked = Math.max(Math.floor(stated), 0);
  return clamped ? Math.min(asked, max) : asked;
}

/** Items a list argument holds; a list over its maximum is refused. */
function listLength(walk: Walk, fieldName: string, list: NonNullable<ListSizeRule['listArguments']>[number], field: FieldNode): number {
  const value = argumentValue(walk, field, list.argument);
  // A single value where a list is expected is coerced to a list of one.
  const length = Array.isArray(value) ? value.length : value === undefined || value === null ? (list.whenAbsent ?? 0) : 1;
  if (length > list.max)
    walk.refused.push({ field: fieldName, argument: list.argument, message: GatewayMessages.listTooLong(list.argument, list.max, length) });
  return length;
}

function argumentValue(walk: Walk, field: FieldNode, name: string): unknown {
  const argument = field.arguments?.find((a) => a.name.value === name);
  return argument ? valueFromASTUntyped(argument.value, walk.variables) : undefined;
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
