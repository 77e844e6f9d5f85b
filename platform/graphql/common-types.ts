import { parse, type DocumentNode } from 'graphql';
import { CURRENCY_CODES } from '../money';
import { LIMIT_TYPE_DEFS } from './input-limits';

/**
 * The types every subgraph shares, declared once here and added to each subgraph's schema
 * (each subgraph declares its own `UserErrorCode` enum, which `UserError` refers to)
 * (federation needs each subgraph to declare the shared types it uses, identically). The
 * `CurrencyCode` enum is generated from `CURRENCY_CODES`, so schema and code cannot drift. The
 * `@limit` directive (input-limits.ts) comes with them, so every subgraph can declare input limits.
 */
export const COMMON_TYPE_DEFS: DocumentNode = parse(`${LIMIT_TYPE_DEFS}
"An ISO-8601 instant in UTC."
scalar DateTime

"ISO 4217 currency codes the graph accepts."
enum CurrencyCode {
${CURRENCY_CODES.map((code) => `  ${code}`).join('\n')}
}

"An amount of money: a decimal string in the currency's minor-unit precision, never a float."
type Money @shareable {
  "Decimal amount, e.g. \\"12.50\\"."
  amount: String!
  "ISO 4217 currency."
  currencyCode: CurrencyCode!
}

"A business-rule failure of a mutation: what went wrong, where in the input, in words. Each subgraph lists its own codes in \`UserErrorCode\`."
type UserError @shareable {
  "Machine-readable reason."
  code: UserErrorCode!
  "Path of the input field at fault, e.g. input, lines, 0, quantity."
  field: [String!]
  "Human-readable explanation."
  message: String!
}

"Page information of a Relay connection."
type PageInfo @shareable {
  "True when more items follow this page."
  hasNextPage: Boolean!
  "True when this page does not start at the beginning."
  hasPreviousPage: Boolean!
  "Cursor of the first item on this page."
  startCursor: String
  "Cursor of the last item on this page; pass it as \`after\` for the next page."
  endCursor: String
}
`);
