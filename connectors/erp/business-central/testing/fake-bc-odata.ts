/**
 * The sliver of OData the fake understands: `$filter` as comparisons joined by `and`
 * (`number eq 'X'`, `postingDate ge 2025-03-01 and postingDate lt 2025-03-02`), string literals
 * with doubled quotes, bare dates and numbers, and `$skiptoken` paging. Anything else is BC's 400.
 */
import { FakeBcError } from './fake-bc-books';

type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
interface Comparison {
  field: string;
  operator: Operator;
  value: string | number;
}

const COMPARISON = /^\s*(\w+)\s+(eq|ne|gt|ge|lt|le)\s+('(?:[^']|'')*'|[\w.:-]+)\s*/;

/** Parses a `$filter`; throws BC's 400 for what it does not understand. */
export function parseFilter(filter: string | null): Comparison[] {
  if (filter === null) return [];
  const comparisons: Comparison[] = [];
  let rest = filter;
  for (;;) {
    const match = COMPARISON.exec(rest);
    if (!match) throw new FakeBcError(400, 'BadRequest', `Syntax error in $filter at "${rest}".`);
    const [whole, field = '', operator = 'eq', literal = ''] = match;
    const value = literal.startsWith("'") ? literal.slice(1, -1).replace(/''/g, "'") : /^-?\d+(\.\d+)?$/.test(literal) ? Number(literal) : literal;
    comparisons.push({ field, operator: operator as Operator, value });
    rest = rest.slice(whole.length);
    if (rest === '') return comparisons;
    const and = /^and\s+/.exec(rest);
    if (!and) throw new FakeBcError(400, 'BadRequest', `Only "and" joins comparisons in this fake, at "${rest}".`);
    rest = rest.slice(and[0].length);
  }
}

/** True when `record` satisfies every comparison (strings and ISO dates compare as text). */
export function matches(record: Record<string, unknown>, comparisons: readonly Comparison[]): boolean {
  return comparisons.every(({ field, operator, value }) => {
    const actual = record[field] as string | number;
    switch (operator) {
      case 'eq':
        return actual === value;
      case 'ne':
        return actual !== value;
      case 'gt':
        return actual > value;
      case 'ge':
        return actual >= value;
      case 'lt':
        return actual < value;
      case 'le':
        return actual <= value;
    }
  });
}
