import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isScalarType,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getArgumentValues, getVariableValues } from 'graphql/execution/values';
import { DateTimeScalar } from './scalars';
import {
  argumentCoordinate,
  DEFAULT_LIMITS,
  inputFieldCoordinate,
  PAGE_SIZE_ARGUMENT,
  PAGE_SIZE_LIMIT,
  type InputLimit,
  type LimitTable,
} from './input-limits';

/** One argument value an operation may not carry, and why, in words a client can act on. */
export interface InputViolation {
  /** The root or nested field whose argument is at fault, e.g. `declineReturn`. */
  field: string;
  /** Path inside the argument, e.g. `input.lines.0.customerNote`. */
  argument: string;
  message: string;
}

/** User-facing reasons, together so they read consistently. */
export const InputMessages = {
  controlCharacter: 'contains a NUL or control character',
  loneSurrogate: 'is not valid Unicode (it contains a lone surrogate)',
  tooShort: (min: number) => (min <= 1 ? 'must not be blank' : `must have at least ${min} characters`),
  tooLong: (max: number) => `must have at most ${max} characters`,
  belowMin: (min: number) => `must be at least ${min}`,
  aboveMax: (max: number) => `must be at most ${max}`,
  malformed: (scalar: string) => `is not a valid ${scalar}`,
  violation: (v: InputViolation) => `Argument "${v.argument}" of "${v.field}" ${v.message}.`,
} as const;

/**
 * C0 and C1 control characters except tab, line feed and carriage return. NUL in particular is
 * refused by PostgreSQL's text type; the others have no business in an id, a note or a reason and
 * make log lines lie.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Custom scalars whose format the gateway checks itself. The supergraph's scalars pass any value
 * through, so without this a malformed instant would only fail inside the subgraph, as an HTTP
 * 400 the gateway cannot relay; the subgraph's own `DateTime` parses with the same function.
 */
const SCALAR_FORMATS: Record<string, (value: unknown) => unknown> = {
  // In a subgraph the scalar has already parsed the value into a Date; at the gateway it is raw text.
  DateTime: (value) => (value instanceof Date ? value : DateTimeScalar.parseValue(value)),
};

/** Where an operation passes arguments: a selected field that takes some, and the type it is selected on. */
interface ArgumentSite {
  parentType: string;
  fieldDef: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

/**
 * Argument sites by schema and operation. Apollo keeps one parsed document per distinct operation
 * text (its document store), so an operation a client repeats is walked with its type info once
 * rather than on every request, at the gateway and again at each subgraph; the keys are weak, so a
 * document the store evicts, or a schema an update replaces, takes its sites with it.
 */
const SITES = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, readonly ArgumentSite[]>>();

/** The argument sites of `operation` (one of `document`'s) and of the document's fragments, in document order. */
function argumentSites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): readonly ArgumentSite[] {
  let bySchema = SITES.get(schema);
  if (!bySchema) SITES.set(schema, (bySchema = new WeakMap()));
  const cached = bySchema.get(operation);
  if (cached) return cached;
  const sites: ArgumentSite[] = [];
  const typeInfo = new TypeInfo(schema);
  const selected = (node: { kind: Kind }) => node === operation || node.kind === Kind.FRAGMENT_DEFINITION;
  const definitions = { ...document, definitions: document.definitions.filter(selected) };
  visit(
    definitions,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        const parent = typeInfo.getParentType();
        const fieldDef = typeInfo.getFieldDef();
        if (parent && fieldDef && fieldDef.args.length > 0) sites.push({ parentType: parent.name, fieldDef, node });
      },
    }),
  );
  bySchema.set(operation, sites);
  return sites;
}

/**
 * Checks every argument of every field an operation selects (root and nested, inline literals and
 * variables alike) against the schema's input limits. Returns the first violation, or undefined.
 * Values GraphQL itself cannot coerce are left to GraphQL, which refuses them with its own error.
 */
export function findInputViolation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Record<string, unknown>,
  limits: LimitTable,
): InputViolation | undefined {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables, { maxErrors: 1 });
  if (coerced.errors) return undefined;
  let violation: InputViolation | undefined;
  for (const { parentType, fieldDef, node } of argumentSites(schema, document, operation)) {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(fieldDef, node, coerced.coerced);
    } catch {
      continue; // GraphQL's own validation or execution reports it
    }
    for (const arg of fieldDef.args) {
      const coordinate = argumentCoordinate(parentType, fieldDef.name, arg.name);
      const base = arg.name === PAGE_SIZE_ARGUMENT ? PAGE_SIZE_LIMIT : {};
      const limit = { ...base, ...limits.get(coordinate) };
      const message = checkValue(values[arg.name], arg.type, limit, limits, [arg.name], (path, text) => {
        violation ??= { field: fieldDef.name, argument: path.join('.'), message: text };
      });
      if (message) return violation;
    }
  }
  return violation;
}

type Report = (path: (string | number)[], message: string) => void;

/** Checks one value against its type and limit, recursing into lists and input objects; true when it reported. */
function checkValue(value: unknown, type: GraphQLInputType, limit: InputLimit, limits: LimitTable, path: (string | number)[], report: Report): boolean {
  if (value === null || value === undefined) return false;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return checkValue(value, nullable.ofType, limit, limits, path, report);
    return value.some((item, index) => checkValue(item, nullable.ofType, limit, limits, [...path, index], report));
  }
  if (isInputObjectType(nullable)) {
    const object = value as Record<string, unknown>;
    return Object.values(nullable.getFields()).some((field) =>
      checkValue(object[field.name], field.type, limits.get(inputFieldCoordinate(nullable.name, field.name)) ?? {}, limits, [...path, field.name], report),
    );
  }
  const named = getNamedType(nullable);
  if (!isScalarType(named)) return false;
  const message = scalarViolation(named.name, value, limit);
  if (message) report(path, message);
  return Boolean(message);
}

/** Why a scalar value breaks its limit, or undefined when it does not. */
function scalarViolation(scalar: string, value: unknown, limit: InputLimit): string | undefined {
  if (typeof value === 'string') {
    const textMessage = textViolation(value, scalar === 'ID' ? DEFAULT_LIMITS.idMaxLength : DEFAULT_LIMITS.stringMaxLength, limit);
    if (textMessage) return textMessage;
  }
  if (typeof value === 'number') {
    if (limit.min !== undefined && value < limit.min) return InputMessages.belowMin(limit.min);
    if (limit.max !== undefined && value > limit.max) return InputMessages.aboveMax(limit.max);
  }
  const format = SCALAR_FORMATS[scalar];
  if (format) {
    try {
      format(value);
    } catch {
      return InputMessages.malformed(scalar);
    }
  }
  return undefined;
}

/** Text hygiene and length of one string; `defaultMax` applies unless the limit says otherwise. */
export function textViolation(value: string, defaultMax: number, limit: InputLimit = {}): string | undefined {
  if (CONTROL_CHARACTER.test(value)) return InputMessages.controlCharacter;
  if (LONE_SURROGATE.test(value)) return InputMessages.loneSurrogate;
  const max = limit.maxLength ?? defaultMax;
  if (value.length > max) return InputMessages.tooLong(max);
  if (limit.minLength !== undefined && value.trim().length < limit.minLength) return InputMessages.tooShort(limit.minLength);
  return undefined;
}
