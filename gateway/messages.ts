/** User-facing messages of the gateway's own top-level errors, together so they read consistently. */
export const GatewayMessages = {
  notReady: 'The gateway has not loaded a supergraph yet; try again shortly.',
  methodNotAllowed: 'Send GraphQL operations to /graphql with HTTP POST.',
  tooDeep: (depth: number, max: number) => `The operation is ${depth} levels deep; the limit is ${max}.`,
  tooCostly: (cost: number, max: number) => `The operation's estimated cost is ${cost}; the limit is ${max}. Ask for fewer items per page or fewer fields.`,
  tooLargeEstimate: (bytes: number, max: number) =>
    `The operation's answer is estimated at ${bytes} bytes; the limit is ${max}. Ask for fewer items per page or fewer fields.`,
  responseTooLarge: (max: number) => `The answer is larger than ${max} bytes, the limit; ask for fewer items per page or fewer fields.`,
  listTooLong: (argument: string, max: number, length: number) => `${argument} takes at most ${max} items, got ${length}.`,
  pageOutOfRange: (argument: string, max: number, value: number) => `${argument} must be between 0 and ${max}, got ${value}.`,
  subgraphUnavailable: 'A backing service is not reachable; try again shortly.',
  refusedBySubgraph: 'A value in the request is not in the form the graph accepts (for example a date, an id or a number); check the arguments.',
  overloaded: (retryAfterSeconds: number) =>
    `The gateway is at capacity and did not run this request; retry in ${retryAfterSeconds} s (a mutation with the same idempotency key).`,
  overloadedAfterWait: (retryAfterSeconds: number) =>
    `The gateway could not start this request in time and did not run it; retry in ${retryAfterSeconds} s (a mutation with the same idempotency key).`,
  introspectionRefused: 'Introspection is not available to your role.',
} as const;
