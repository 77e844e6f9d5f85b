/**
 * Shopify's calculated query cost and leaky bucket, close to the documented rules: a scalar or
 * enum costs 0, an object 1, a connection 2 + (first or last) × the cost of one node, a list of
 * objects the cost of one element, a mutation field 10. A query is admitted on its requested cost
 * (priced from `first`); once it has run, its actual cost is priced from what it returned (the
 * nodes a connection really held) and the difference goes back to the bucket, as Shopify does.
 * The bucket holds `maximumAvailable` points and restores `restoreRate` per second; a query priced
 * over what is available is THROTTLED, one priced over `MAX_QUERY_COST` is refused outright.
 */
import {
  getNamedType,
  isLeafType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Shopify refuses a single query priced above this (MAX_COST_EXCEEDED). */
export const MAX_QUERY_COST = 1000;

/** What a mutation field costs. */
const MUTATION_COST = 10;

interface CostContext {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function intArgument(field: FieldNode, name: string, context: CostContext): number | null {
  const argument = field.arguments?.find((a) => a.name.value === name);
  if (!argument) return null;
  const value: ValueNode = argument.value;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = context.variables[value.name.value];
    return typeof v === 'number' ? v : null;
  }
  return null;
}

function selectionCost(set: SelectionSetNode, type: GraphQLCompositeType, context: CostContext): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) total += fieldCost(selection, type, context);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? (context.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : type;
      total += selectionCost(selection.selectionSet, on, context);
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment) total += selectionCost(fragment.selectionSet, context.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, context);
    }
  }
  return total;
}

function fieldCost(field: FieldNode, parent: GraphQLCompositeType, context: CostContext): number {
  if (field.name.value === '__typename' || !('getFields' in parent)) return 0;
  const definition = (parent as GraphQLObjectType).getFields()[field.name.value];
  if (!definition) return 0;
  const named = getNamedType(definition.type);
  if (isLeafType(named)) return 0;
  const children = field.selectionSet ? selectionCost(field.selectionSet, named as GraphQLCompositeType, context) : 0;
  // Inside a connection, edges and pageInfo are wrappers: only the nodes are priced (× first).
  if (parent.name.endsWith('Connection')) return field.name.value === 'pageInfo' ? 0 : field.name.value === 'edges' ? children : 1 + children;
  if (named.name.endsWith('Connection')) {
    const size = intArgument(field, 'first', context) ?? intArgument(field, 'last', context) ?? 1;
    return 2 + size * children;
  }
  return 1 + children;
}

/** The requested cost of the operation in `document` with `variables`. */
export function requestedCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, operationName?: string | null): number {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operations.find((o) => !operationName || o.name?.value === operationName) ?? operations[0];
  if (!operation) return 0;
  const context: CostContext = { schema, fragments, variables };
  if (operation.operation === 'mutation') return operation.selectionSet.selections.length * MUTATION_COST;
  const root = schema.getQueryType();
  return root ? selectionCost(operation.selectionSet, root, context) : 0;
}

/** A result object or list as `execute` returned it. */
type Value = Record<string, unknown> | Record<string, unknown>[] | null | undefined;

function actualSelectionCost(set: SelectionSetNode, type: GraphQLCompositeType, value: Value, context: CostContext): number {
  if (!value || Array.isArray(value)) return 0;
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) total += actualFieldCost(selection, type, value, context);
    else if (selection.kind === Kind.INLINE_FRAGMENT) {
      const on = selection.typeCondition ? (context.schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : type;
      total += actualSelectionCost(selection.selectionSet, on, value, context);
    } else {
      const fragment = context.fragments.get(selection.name.value);
      if (fragment) {
        const on = context.schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType;
        total += actualSelectionCost(fragment.selectionSet, on, value, context);
      }
    }
  }
  return total;
}

/** What one field of a result cost: priced like `fieldCost`, but by the items it returned. */
function actualFieldCost(field: FieldNode, parent: GraphQLCompositeType, value: Record<string, unknown>, context: CostContext): number {
  if (field.name.value === '__typename' || !('getFields' in parent) || !field.selectionSet) return 0;
  const definition = (parent as GraphQLObjectType).getFields()[field.name.value];
  if (!definition) return 0;
  const named = getNamedType(definition.type) as GraphQLCompositeType;
  if (isLeafType(named)) return 0;
  const returned = value[field.alias?.value ?? field.name.value] as Value;
  if (!returned) return 0;
  const each = (item: Record<string, unknown>) => actualSelectionCost(field.selectionSet as SelectionSetNode, named, item, context);
  const items = Array.isArray(returned) ? returned : [returned];
  if (parent.name.endsWith('Connection')) {
    if (field.name.value === 'pageInfo') return 0;
    return items.reduce((sum, item) => sum + each(item) + (field.name.value === 'edges' ? 0 : 1), 0);
  }
  if (named.name.endsWith('Connection')) return 2 + each(returned as Record<string, unknown>);
  return 1 + Math.max(0, ...items.map(each));
}

/** The actual cost of a query that ran: what it returned, priced by the same rules (a mutation costs what it was priced). */
export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  data: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  const requested = requestedCost(schema, document, variables, operationName);
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
  const root = schema.getQueryType();
  if (!operation || operation.operation !== 'query' || !root) return requested;
  return Math.min(requested, actualSelectionCost(operation.selectionSet, root, data, { schema, fragments, variables }));
}

/** The bucket's state as Shopify reports it in `extensions.cost.throttleStatus`. */
export interface ThrottleStatusReport {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** A leaky bucket on an injectable clock (ms). */
export class LeakyBucket {
  private available: number;
  private at: number;

  constructor(
    readonly maximumAvailable: number,
    readonly restoreRate: number,
    private readonly now: () => number,
  ) {
    this.available = maximumAvailable;
    this.at = now();
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.maximumAvailable, this.available + (this.restoreRate * Math.max(0, now - this.at)) / 1000);
    this.at = now;
  }

  /** Takes `cost` points when available; false (nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back what a query was charged beyond its actual cost. */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  status(): ThrottleStatusReport {
    this.refill();
    return { maximumAvailable: this.maximumAvailable, currentlyAvailable: Math.floor(this.available), restoreRate: this.restoreRate };
  }
}
