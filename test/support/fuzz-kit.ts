import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
} from 'graphql';
import { ID_PREFIX } from '../../platform/ids';
import { DEFAULT_LIMITS } from '../../platform/graphql/input-limits';

/**
 * The schema-driven input fuzz: a catalogue of hostile values per kind of input, valid defaults
 * per type, and one case per (argument or nested input field) × (hostile value), all found from
 * an introspected schema so a field added tomorrow is fuzzed without touching the test.
 */

/** One megabyte of text: larger than any limit, still under the gateway's 1 MiB body limit. */
const ONE_MB_TEXT = 'x'.repeat(1_000_000);
/**
 * Longer than any String or ID the schema accepts (the default String ceiling; the test checks no
 * `@limit` declares more), yet a hundredth of a megabyte: every argument is sent this, so each
 * one's length check is proven without a megabyte body per argument.
 */
export const OVER_LIMIT_TEXT = 'x'.repeat(DEFAULT_LIMITS.stringMaxLength + 1);
/** The catalogue's name of the megabyte string, which `casesFor` sends once per kind of position. */
const ONE_MB_NAME = 'a 1 MB string';
/** Nesting of the deeply nested list: far beyond any list type we declare (at most two levels). */
const NESTED_LIST_DEPTH = 200;

const deeplyNested = (): unknown => {
  let value: unknown = 'x';
  for (let depth = 0; depth < NESTED_LIST_DEPTH; depth++) value = [value];
  return value;
};

/** What any input may be sent, whatever its type: wrong JSON types and a deeply nested list. */
const WRONG_SHAPES: Record<string, unknown> = {
  'an object': { nested: { value: 1 } },
  'a deeply nested list': deeplyNested(),
};

/** Hostile text for String and ID inputs. */
const TEXT: Record<string, unknown> = {
  'a NUL byte': 'R100\u0000001',
  'a control character': 'bell\u0007\u001b[31m',
  'a lone high surrogate': 'a\uD800b',
  'a lone low surrogate': '\uDC00',
  [ONE_MB_NAME]: ONE_MB_TEXT,
  'a string longer than any limit': OVER_LIMIT_TEXT,
  'an empty string': '',
  'a blank string': '   ',
  'a path-traversal id': '../../etc/passwd',
  'an SQL-injection id': "ord_' OR '1'='1",
  'a foreign-prefix id': 'rfd_00000000000000000000000000',
  'malformed money (exponent)': '1e309',
  'malformed money (negative)': '-1.00',
  'malformed money (NaN)': 'NaN',
  'malformed money (too many decimals)': '12.345',
  'a boolean': true,
  'a float': 1.5,
};

/** Hostile numbers for Int and Float inputs. */
const NUMBERS: Record<string, unknown> = {
  'a negative number': -1,
  'the smallest Int': -2147483648,
  'the largest Int': 2147483647,
  'an Int overflow': 2147483648,
  'a huge number': 1e300,
  'a fraction': 1.5,
  'a NaN-ish string': 'NaN',
  'a numeric string': '1',
  'an empty string': '',
};

/** Hostile values for enum inputs. */
const ENUMS: Record<string, unknown> = {
  'an unknown value': 'NOT_A_VALUE',
  'a lower-case value': 'pos',
  'an empty string': '',
  'a number': 1,
};

/** Hostile values for Boolean inputs. */
const BOOLEANS: Record<string, unknown> = { 'a string': 'true', 'a number': 1 };

/** Hostile values for DateTime inputs. */
const DATES: Record<string, unknown> = {
  'a word': 'not-a-date',
  garbage: 'garbage',
  'impossible fields': '2026-13-45T99:99:99Z',
  'a date without time': '2026-01-01',
  'a time without offset': '2026-01-01T00:00:00',
  'an instant out of range': '+275760-09-13T00:00:00.001Z',
  'an empty string': '',
  'a number': 0,
};

/** Every hostile value, by the kind of input it is sent to. */
export const CATALOGUE = { WRONG_SHAPES, TEXT, NUMBERS, ENUMS, BOOLEANS, DATES };

/** How many distinct hostile values the catalogue holds. */
export const catalogueSize = (): number => Object.values(CATALOGUE).reduce((sum, group) => sum + Object.keys(group).length, 0);

/** The hostile values for an input of `type`: its kind's, wrong shapes, and null where null is not allowed. */
export function hostileValuesFor(type: GraphQLInputType): [string, unknown][] {
  const nullable = getNullableType(type);
  const values: [string, unknown][] = Object.entries(WRONG_SHAPES);
  if (isNonNullType(type)) values.push(['null', null]);
  if (isListType(nullable)) {
    if (isNonNullType(nullable.ofType)) values.push(['a list holding null', [null]]);
    return [...values, ...hostileValuesFor(nullable.ofType).map(([name, value]): [string, unknown] => [`[${name}]`, [value]])];
  }
  if (isInputObjectType(nullable)) return [...values, ['a string', 'x'], ['a list', []]];
  if (isEnumType(nullable)) return [...values, ...Object.entries(ENUMS)];
  if (isScalarType(nullable)) {
    const kind: Record<string, Record<string, unknown>> = { String: TEXT, ID: TEXT, Int: NUMBERS, Float: NUMBERS, Boolean: BOOLEANS, DateTime: DATES };
    return [...values, ...Object.entries(kind[nullable.name] ?? TEXT)];
  }
  return values;
}

/** A well-formed id of the right kind that names nothing, so a mutation finds no target. */
const UNKNOWN = '00000000000000000000000000';
const ID_KIND_BY_NAME: Record<string, string> = {
  orderId: ID_PREFIX.order,
  orderLineId: ID_PREFIX.orderLine,
  returnId: ID_PREFIX.return,
  returnLineId: ID_PREFIX.returnLine,
  refundId: ID_PREFIX.refund,
};

/** Field names whose String is a decimal amount of money. */
const AMOUNT_NAMES = new Set(['amount', 'unitPrice', 'discount', 'tax', 'capturedAmount']);
/** A valid instant; `deliveredAt` goes before it so `recordOrder` refuses its defaults (DELIVERED_BEFORE_PLACED). */
const VALID_INSTANT = '2026-01-01T00:00:00.000Z';
const EARLIER_INSTANT = '2000-01-01T00:00:00.000Z';

/** Context of a default: the field (or argument) name and, for `id`, the root field it belongs to. */
interface DefaultContext {
  name: string;
  rootField: string;
  depth: number;
}

/** Most nesting of input objects a default builds; our inputs nest three deep. */
const MAX_DEFAULT_DEPTH = 6;

/**
 * A valid value of `type`, chosen so a mutation sent only defaults is refused by a business rule
 * (unknown ids, a delivery before the order was placed) and writes nothing.
 */
export function defaultValue(type: GraphQLInputType, context: DefaultContext): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [defaultValue(nullable.ofType, context)];
  if (isInputObjectType(nullable)) {
    if (context.depth >= MAX_DEFAULT_DEPTH) return null;
    return Object.fromEntries(
      Object.values(nullable.getFields()).map((field) => [field.name, defaultValue(field.type, { ...context, name: field.name, depth: context.depth + 1 })]),
    );
  }
  if (isEnumType(nullable)) return nullable.getValues()[0]?.value;
  const scalar = getNamedType(nullable).name;
  if (scalar === 'Int' || scalar === 'Float') return 1;
  if (scalar === 'Boolean') return true;
  if (scalar === 'DateTime') return context.name === 'deliveredAt' ? EARLIER_INSTANT : VALID_INSTANT;
  if (scalar === 'ID') return defaultId(context);
  if (AMOUNT_NAMES.has(context.name)) return '1.00';
  if (/sku/i.test(context.name)) return 'SKU-FUZZ-404';
  return 'fuzz value';
}

function defaultId({ name, rootField }: DefaultContext): string {
  const prefix =
    ID_KIND_BY_NAME[name] ?? (name === 'id' ? { order: ID_PREFIX.order, return: ID_PREFIX.return, refund: ID_PREFIX.refund }[rootField] : undefined);
  if (prefix) return `${prefix}_${UNKNOWN}`;
  if (name === 'ids') return '999999999'; // dead letter ids are bigserials
  if (/location|store/i.test(name)) return 'loc_fuzz_nowhere';
  if (/customer/i.test(name)) return 'cus_fuzz_nobody';
  return 'fuzz_unknown_id';
}

/** One fuzz case: a root field, all its arguments as variables, and which one carries what. */
export interface FuzzCase {
  operation: 'query' | 'mutation';
  field: string;
  /** Where the hostile value sits, e.g. `input.lines.0.customerNote`. */
  path: string;
  valueName: string;
  document: string;
  variables: Record<string, unknown>;
}

/**
 * Every case for one root field: for each argument, and recursively each input object field
 * (lists fuzzed through their first item), each hostile value of its type, defaults elsewhere.
 * `key(field, n)` gives the idempotency key of the n-th case, so every case's key is its own.
 *
 * The megabyte string is the exception: it is sent once per kind of position, which `sampled`
 * (shared across root fields) remembers. The gateway refuses it in one function for every
 * argument (platform/graphql/input-check.ts), where the only per-argument step is the length
 * compared with the limit looked up for that argument: `OVER_LIMIT_TEXT` proves that step on every
 * argument. What is only the megabyte's own is its size, and the work size costs (the body read
 * and parsed whole, the text scanned for control characters) runs before or inside that same
 * function whatever argument carries it. So one megabyte per operation type, scalar, list or not,
 * and root argument or nested input field covers every path its refusal can take, in nine cases
 * today rather than one per String and ID input (152), which cost a sixth of the run.
 */
export function casesFor(
  operation: 'query' | 'mutation',
  field: GraphQLField<unknown, unknown>,
  key: (n: number) => string,
  sampled = new Set<string>(),
): FuzzCase[] {
  const defaults = defaultArguments(field);
  const cases: FuzzCase[] = [];
  const document = documentFor(operation, field);
  const visit = (type: GraphQLInputType, path: (string | number)[]) => {
    for (const [valueName, value] of hostileValuesFor(type)) {
      if (valueName.replace(/[[\]]/g, '') === ONE_MB_NAME) {
        const position = `${operation} ${valueName} as ${getNamedType(type).name} ${path.length === 1 ? 'argument' : 'input field'}`;
        if (sampled.has(position)) continue;
        sampled.add(position);
      }
      const variables = structuredClone(defaults);
      if ('idempotencyKey' in variables && path[0] !== 'idempotencyKey') variables.idempotencyKey = key(cases.length);
      setAt(variables, path, value);
      cases.push({ operation, field: field.name, path: path.join('.'), valueName, document, variables });
    }
    const nullable = getNullableType(type);
    if (isListType(nullable) && isInputObjectType(getNullableType(nullable.ofType))) visit(nullable.ofType, [...path, 0]);
    if (isInputObjectType(nullable)) for (const inner of Object.values(nullable.getFields())) visit(inner.type, [...path, inner.name]);
  };
  for (const arg of field.args) visit(arg.type, [arg.name]);
  return cases;
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
  let current: Record<string | number, unknown> = target;
  for (const step of path.slice(0, -1)) current = current[step] as Record<string | number, unknown>;
  current[path[path.length - 1] as string | number] = value;
}

/** `query($a: T, ...) { field(a: $a, ...) { __typename userErrors { code } } }`: every argument a variable. */
function documentFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const variables = field.args.map((arg) => `$${arg.name}: ${arg.type.toString()}`).join(', ');
  const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
  const result = getNamedType(field.type);
  const hasUserErrors = isObjectType(result) && 'userErrors' in result.getFields();
  const selection = isScalarType(result) || isEnumType(result) ? '' : `{ __typename ${hasUserErrors ? 'userErrors { code }' : ''} }`;
  return `${operation}${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''} ${selection} }`;
}

/** The default arguments of a root field, as every case starts from them. */
export function defaultArguments(field: GraphQLField<unknown, unknown>): Record<string, unknown> {
  return Object.fromEntries(field.args.map((arg) => [arg.name, defaultValue(arg.type, { name: arg.name, rootField: field.name, depth: 0 })]));
}

/**
 * The default arguments with the first `String` (not `ID`) input set to `marker`: a valid input no
 * case sends, to take an idempotency key with. Undefined when the field has no such input.
 */
export function markedArguments(field: GraphQLField<unknown, unknown>, marker: string): Record<string, unknown> | undefined {
  const args = defaultArguments(field);
  const mark = (type: GraphQLInputType, holder: Record<string | number, unknown>, key: string | number): boolean => {
    const nullable = getNullableType(type);
    const value = holder[key];
    if (isListType(nullable)) return Array.isArray(value) && mark(nullable.ofType, value as unknown as Record<number, unknown>, 0);
    if (isInputObjectType(nullable)) return Object.values(nullable.getFields()).some((inner) => mark(inner.type, value as Record<string, unknown>, inner.name));
    if (isScalarType(nullable) && nullable.name === 'String') {
      holder[key] = marker;
      return true;
    }
    return false;
  };
  const marked = field.args.some((arg) => arg.name !== 'idempotencyKey' && mark(arg.type, args, arg.name));
  return marked ? args : undefined;
}
