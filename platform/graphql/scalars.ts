import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

/** `DateTime`: an ISO-8601 instant in UTC, e.g. `2026-11-26T09:30:00.000Z`. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 instant in UTC.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return date.toISOString();
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseInstant(ast.value);
  },
});

/** Offsets are required so "9:30" is never read in the server's own time zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The engine's ISO parser rolls an impossible day over (`2025-02-30` becomes 2 March) and reads
 * hour 24 as the next midnight; a date the client did not mean is refused instead.
 */
function onTheCalendar(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const hour = Number(value.slice(11, 13));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23;
}

function parseInstant(value: unknown): Date {
  if (typeof value === 'string' && ISO_INSTANT.test(value) && onTheCalendar(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new GraphQLError(`"${String(value)}" is not an ISO-8601 instant with an offset`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}
