import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
  type VariableDefinitionNode,
} from 'graphql';
import type { StreamDefinition } from '../../platform/events/streams';

/** A validated subscription, turned into the two queries that serve it. */
export interface PlannedSubscription {
  stream: StreamDefinition;
  /** The response key the client expects (the field's alias or name). */
  responseKey: string;
  /** Argument values (variables resolved) that filter the stream. */
  filters: Record<string, string>;
  /** Resume after this cursor, if given. */
  after: string | null;
  /** `query($__cursor: String!) { <key>: <one>(cursor: $__cursor) { ...selection } }` */
  live: string;
  /** `query(...) { <key>: <page>(after: $__after, ...filters) { updates { ...selection, __rgCursor: cursor } scannedCursor endOfLog } }` */
  catchUp: string;
  /** The operation's variables the selection uses, passed on to both queries (fragments and nested arguments may use them). */
  variables: Record<string, unknown>;
}

/** The stream serving a `Subscription` field, as the registry published it with the supergraph. */
export type StreamLookup = (field: string) => StreamDefinition | undefined;

/** Field alias added to catch-up items so the gateway knows each one's position. */
export const CURSOR_ALIAS = '__rgCursor';

/**
 * Plans one subscription operation: exactly one root field, one of the streams the subgraphs
 * published (`streams`). The
 * subscriber's selection set is kept verbatim, so each update is resolved through the whole graph
 * (any subgraph's fields) under the subscriber's own authorization.
 */
export function planSubscription(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  streams: StreamLookup,
): PlannedSubscription {
  const fields = operation.selectionSet.selections.filter((selection): selection is FieldNode => selection.kind === Kind.FIELD);
  if (fields.length !== 1 || operation.selectionSet.selections.length !== 1) throw new Error('A subscription selects exactly one root field.');
  const root = fields[0] as FieldNode;
  const stream = streams(root.name.value);
  if (!stream) throw new Error(`Unknown subscription field ${root.name.value}.`);
  const args = argumentValues(root, variables);
  const filters: Record<string, string> = {};
  for (const name of stream.filters) if (typeof args[name] === 'string') filters[name] = args[name] as string;
  const fragments = document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION);
  // Only variables the selection uses: those of the root field's arguments are inlined as filters
  // or dropped, and an unused declaration would fail validation of the live and catch-up queries.
  const used = usedVariables([root.selectionSet, ...fragments]);
  const declared = (operation.variableDefinitions ?? [])
    .filter((definition: VariableDefinitionNode) => used.has(definition.variable.name.value))
    .map((definition: VariableDefinitionNode) => print(definition));
  const queries = streamQueries(stream, root, filters, declared, fragments.map((definition) => print(definition)).join('\n'));
  const passed = Object.fromEntries(Object.entries(variables).filter(([name]) => used.has(name)));
  return {
    stream,
    responseKey: root.alias?.value ?? root.name.value,
    filters,
    after: typeof args.after === 'string' ? args.after : null,
    ...queries,
    variables: passed,
  };
}

/** The root field's argument values, variables resolved; a kind no stream argument takes is undefined. */
function argumentValues(root: FieldNode, variables: Record<string, unknown>): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const argument of root.arguments ?? []) args[argument.name.value] = literalOrVariable(argument.value, variables);
  return args;
}

function literalOrVariable(value: ValueNode, variables: Record<string, unknown>): unknown {
  switch (value.kind) {
    case Kind.VARIABLE:
      return variables[value.name.value];
    case Kind.STRING:
    case Kind.ENUM:
      return value.value;
    case Kind.NULL:
      return null;
    default:
      return undefined;
  }
}

/** The live and catch-up queries of a stream, with the subscriber's selection kept verbatim. */
function streamQueries(
  stream: StreamDefinition,
  root: FieldNode,
  filters: Record<string, string>,
  declared: string[],
  fragments: string,
): Pick<PlannedSubscription, 'live' | 'catchUp'> {
  const responseKey = root.alias?.value ?? root.name.value;
  const selection = root.selectionSet ? print(root.selectionSet) : '';
  const filterArgs = Object.keys(filters).map((name) => `${name}: ${JSON.stringify(filters[name])}`);
  const live = `query RgLive(${['$__cursor: String!', ...declared].join(', ')}) { ${responseKey}: ${stream.one}(cursor: $__cursor) ${selection} }\n${fragments}`;
  const catchUpSelection = root.selectionSet ? withCursor(root.selectionSet) : `{ ${CURSOR_ALIAS}: cursor }`;
  const catchUp = `query RgCatchUp(${['$__after: String', ...declared].join(', ')}) { ${responseKey}: ${stream.page}(${['after: $__after', ...filterArgs].join(', ')}) { updates ${catchUpSelection} scannedCursor endOfLog } }\n${fragments}`;
  // Parse both now so a mistake surfaces at subscribe time, not at the first event.
  parse(live);
  parse(catchUp);
  return { live, catchUp };
}

/** Names of the variables referenced in `nodes`. */
function usedVariables(nodes: readonly (ASTNode | undefined)[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    if (!node) continue;
    visit(node, {
      Variable(variable) {
        names.add(variable.name.value);
      },
    });
  }
  return names;
}

function withCursor(selectionSet: SelectionSetNode): string {
  const printed = print(selectionSet);
  return `${printed.slice(0, -1)} ${CURSOR_ALIAS}: cursor }`;
}
