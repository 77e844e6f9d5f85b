import { Kind, parse, type ConstDirectiveNode, type DefinitionNode, type DocumentNode, type FieldDefinitionNode, type InputValueDefinitionNode } from 'graphql';

/**
 * Input limits, declared once in the schema. A subgraph marks an argument or input field with
 * `@limit(minLength:, maxLength:, min:, max:)`; composition keeps the directive in the supergraph
 * (`@composeDirective`), so the gateway reads the same declarations the subgraph does. Rules that
 * hold for every input of a type (text hygiene, default lengths, `first` never negative, the
 * `DateTime` format) need no directive: `DEFAULT_LIMITS` and the checker apply them everywhere,
 * so a new field is covered the day it is added. See docs/design/007-security-model.md.
 */

/** Identifies our directive's spec in `@link`; the version is the directive's shape, not the product's. */
export const LIMIT_SPEC_URL = 'https://returns-graph.dev/input-limits/v1.0';
/** Directive name as it appears in subgraph SDL and in the supergraph. */
export const LIMIT_DIRECTIVE = 'limit';

/**
 * The directive's definition and its import, added to every subgraph's schema with the common
 * types. `@federation__composeDirective` is the namespaced name of `@composeDirective`, so no
 * subgraph has to import it in its own `@link` line.
 */
export const LIMIT_TYPE_DEFS = `
extend schema
  @link(url: "${LIMIT_SPEC_URL}", import: ["@${LIMIT_DIRECTIVE}"])
  @federation__composeDirective(name: "@${LIMIT_DIRECTIVE}")

"What an argument or input field accepts beyond its type; enforced by the gateway and again by the subgraph, before any SQL. minLength counts characters after trimming surrounding whitespace."
directive @${LIMIT_DIRECTIVE}(minLength: Int, maxLength: Int, min: Int, max: Int) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
`;

/** What one argument or input field accepts beyond its GraphQL type. */
export interface InputLimit {
  /** Fewest characters after trimming surrounding whitespace (so "   " is empty); default 0. */
  minLength?: number;
  /** Most characters; default `DEFAULT_LIMITS.maxLength` of the scalar. */
  maxLength?: number;
  /** Smallest number accepted; default none beyond the type (but see `PAGE_SIZE_ARGUMENT`). */
  min?: number;
  /** Largest number accepted; default none beyond the type. */
  max?: number;
}

/**
 * Limits that apply where no `@limit` says otherwise. Lengths are in UTF-16 code units, as
 * JavaScript and GraphQL count them.
 */
export const DEFAULT_LIMITS = {
  /**
   * Longest `ID`: every id column of every schema is CHECKed at 200 or less, and no identifier we
   * issue (or accept from a platform) comes near it.
   */
  idMaxLength: 200,
  /**
   * Longest `String`: an abuse ceiling, not a business rule. The longest free text we store
   * (return and line notes) is 2,000 characters, and the domain refuses 2,001 with a userError
   * that points at the field (clients show it beside the input); five times that is never text
   * someone typed, only an attempt to fill logs, tables and memory, and is refused at the door.
   */
  stringMaxLength: 10_000,
} as const;

/**
 * Arguments with this name are page sizes wherever they appear: never negative (a negative
 * `LIMIT` is a SQL error), and never more than the largest page any list serves (event catch-up,
 * 500). A field's own `@limit` may narrow this further.
 */
export const PAGE_SIZE_ARGUMENT = 'first';
/** Page-size bounds applied to every `first` argument (see `PAGE_SIZE_ARGUMENT`). */
export const PAGE_SIZE_LIMIT: Required<Pick<InputLimit, 'min' | 'max'>> = { min: 0, max: 500 };

/** Limits by schema coordinate: `Type.field(arg:)` for arguments, `Input.field` for input fields. */
export type LimitTable = ReadonlyMap<string, InputLimit>;

/** The coordinate of a field argument, as `LimitTable` keys it. */
export const argumentCoordinate = (type: string, field: string, argument: string): string => `${type}.${field}(${argument}:)`;
/** The coordinate of an input object field, as `LimitTable` keys it. */
export const inputFieldCoordinate = (type: string, field: string): string => `${type}.${field}`;

/**
 * Collects every `@limit` of an SDL document: a subgraph's own type definitions, or the
 * supergraph the gateway serves (which carries every subgraph's declarations).
 */
export function readLimits(document: DocumentNode | string): LimitTable {
  const ast = typeof document === 'string' ? parse(document) : document;
  const table = new Map<string, InputLimit>();
  for (const definition of ast.definitions) addDefinitionLimits(table, definition);
  return table;
}

/** The limits one definition declares: on its fields' arguments, or on an input type's fields. */
function addDefinitionLimits(table: Map<string, InputLimit>, definition: DefinitionNode): void {
  switch (definition.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION:
      addArgumentLimits(table, definition.name.value, definition.fields ?? []);
      break;
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION:
      for (const field of definition.fields ?? []) addLimit(table, inputFieldCoordinate(definition.name.value, field.name.value), field);
      break;
    default:
      break;
  }
}

function addArgumentLimits(table: Map<string, InputLimit>, type: string, fields: readonly FieldDefinitionNode[]): void {
  for (const field of fields) {
    for (const argument of field.arguments ?? []) addLimit(table, argumentCoordinate(type, field.name.value, argument.name.value), argument);
  }
}

function addLimit(table: Map<string, InputLimit>, coordinate: string, node: InputValueDefinitionNode): void {
  const directive = node.directives?.find((d) => d.name.value === LIMIT_DIRECTIVE);
  if (directive) table.set(coordinate, limitOf(directive));
}

function limitOf(directive: ConstDirectiveNode): InputLimit {
  const limit: Record<string, number> = {};
  for (const argument of directive.arguments ?? []) {
    if (argument.value.kind === Kind.INT) limit[argument.name.value] = Number(argument.value.value);
  }
  return limit as InputLimit;
}
