/**
 * Every user-facing message of the schema registry, together so they read consistently and a
 * wording change is one edit.
 */
export const Messages = {
  /** `publishing`: the subgraph published, or the names of a set published at once, joined by ", ". */
  compositionError: (publishing: string, code: string, detail: string) =>
    `Composing ${publishing.includes(', ') ? 'subgraphs' : 'subgraph'} "${publishing}" with the latest version of every other subgraph failed: [${code}] ${detail}`,
  invalidName: (name: string) => `Subgraph name "${name}" is invalid: use 2 to 41 characters, lowercase letters, digits and "-", starting with a letter.`,
  noSupergraph: 'No supergraph has been composed yet: publish a subgraph first.',
  missingToken: 'The registry needs Authorization: Bearer <registry token> (probes aside).',
  invalidToken: 'The registry token is not valid.',
  badJson: 'The request body is not valid JSON.',
  bodyTooLarge: 'The request body is too large.',
  badBody: (details: string) => `The request body is invalid: ${details}`,
  methodNotAllowed: (method: string, path: string) => `${method} is not allowed on ${path}.`,
  databaseUnavailable: 'The registry database is not reachable.',
  streamFieldMissing: (subgraph: string, field: string) => `Subgraph "${subgraph}" declares stream ${field}, but its SDL has no Subscription.${field}.`,
  streamQueryMissing: (subgraph: string, field: string, query: string) =>
    `Subgraph "${subgraph}" declares stream ${field} served by Query.${query}, but its SDL has no such field.`,
  streamFilterMissing: (subgraph: string, field: string, filter: string) =>
    `Subgraph "${subgraph}" declares stream ${field} filtered by ${filter}, but Subscription.${field} has no such argument.`,
} as const;
