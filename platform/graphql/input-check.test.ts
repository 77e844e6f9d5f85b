import { buildASTSchema, parse, type OperationDefinitionNode } from 'graphql';
import { findInputViolation, textViolation } from './input-check';
import { readLimits } from './input-limits';

const SDL = `
directive @limit(minLength: Int, maxLength: Int, min: Int, max: Int) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
scalar DateTime
input LineInput { note: String @limit(maxLength: 5) }
input DeclineInput { reason: String! @limit(minLength: 1, maxLength: 10) lines: [LineInput!] }
type Query { items(first: Int, since: DateTime, skus: [String!] @limit(maxLength: 3)): Int }
type Mutation { decline(input: DeclineInput!): Int }
`;
const schema = buildASTSchema(parse(SDL));
const limits = readLimits(SDL);

function check(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  return findInputViolation(schema, document, document.definitions[0] as OperationDefinitionNode, variables, limits);
}

describe('findInputViolation', () => {
  it('reads @limit of arguments and input fields from SDL', () => {
    expect(limits.get('Query.items(skus:)')).toEqual({ maxLength: 3 });
    expect(limits.get('DeclineInput.reason')).toEqual({ minLength: 1, maxLength: 10 });
  });

  it('finds a limit broken in a nested input object inside a list, with its path', () => {
    expect(check(`mutation($i: DeclineInput!) { decline(input: $i) }`, { i: { reason: 'ok', lines: [{ note: 'fine' }, { note: 'far too long' }] } })).toEqual({
      field: 'decline',
      argument: 'input.lines.1.note',
      message: 'must have at most 5 characters',
    });
  });

  it('treats a blank required text as too short', () => {
    expect(check(`mutation { decline(input: { reason: "   " }) }`)?.message).toBe('must not be blank');
  });

  it('applies a list argument limit to every item', () => {
    expect(check(`{ items(skus: ["abc", "abcd"]) }`)?.argument).toBe('skus.1');
  });

  it('refuses a negative first without any declaration', () => {
    expect(check(`{ items(first: -1) }`)?.message).toBe('must be at least 0');
  });

  it('refuses a malformed DateTime even where the scalar passes anything through', () => {
    expect(check(`query($d: DateTime) { items(since: $d) }`, { d: 'garbage' })?.message).toBe('is not a valid DateTime');
    expect(check(`query($d: DateTime) { items(since: $d) }`, { d: '2026-01-01T00:00:00Z' })).toBeUndefined();
  });

  it.each(['2025-02-30T00:00:00Z', '2025-04-31T10:00Z', '2025-02-29T00:00Z', '2025-01-01T24:00Z', '2025-00-10T00:00Z'])(
    'refuses %s, a date the calendar does not have, instead of rolling it over',
    (instant) => {
      expect(check(`query($d: DateTime) { items(since: $d) }`, { d: instant })?.message).toBe('is not a valid DateTime');
    },
  );

  it('accepts the last day of each month, 29 February of a leap year among them', () => {
    for (const instant of ['2024-02-29T00:00Z', '2025-02-28T23:59:59Z', '2025-04-30T10:00+02:00', '2025-12-31T23:59:59.999Z']) {
      expect(check(`query($d: DateTime) { items(since: $d) }`, { d: instant })).toBeUndefined();
    }
  });

  it("checks each request's own values when it walks a repeated operation only once", () => {
    const document = parse(`query($s: [String!], $d: DateTime) { first: items(skus: $s) ...more } fragment more on Query { items(since: $d) }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const run = (variables: Record<string, unknown>) => findInputViolation(schema, document, operation, variables, limits);
    expect(run({ s: ['abc'], d: '2026-01-01T00:00:00Z' })).toBeUndefined();
    expect(run({ s: ['abcd'] })?.argument).toBe('skus.0');
    expect(run({ s: ['abc'], d: 'garbage' })?.message).toBe('is not a valid DateTime');
  });

  it('accepts an operation within every limit', () => {
    expect(check(`mutation { decline(input: { reason: "policy", lines: [{ note: "ok" }] }) }`)).toBeUndefined();
  });
});

describe('textViolation', () => {
  it.each([
    ['a NUL byte', 'a\u0000b'],
    ['an escape character', '\u001b[31m'],
    ['a C1 control', '\u0085'],
    ['a lone high surrogate', 'a\uD800'],
    ['a lone low surrogate', '\uDC00b'],
  ])('refuses %s', (_name, value) => {
    expect(textViolation(value, 100)).toBeDefined();
  });

  it('accepts tabs, newlines and a well-formed astral character', () => {
    expect(textViolation('line one\n\tline two 😀', 100)).toBeUndefined();
  });
});
