import { INTERNAL_PRINCIPAL_HEADER, InternalTokens, type Principal } from '../../platform/auth';

/** The internal-token secret the tests share between gateway and subgraphs. */
export const TEST_INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef';
export const testInternalTokens = new InternalTokens(TEST_INTERNAL_SECRET);

/** A GraphQL response as the tests read it. */
export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** POSTs an operation to a GraphQL endpoint with the given headers. */
export async function postGraphQL<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLResponse['errors'] };
  return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
}

/** Calls a subgraph directly, as the gateway would, asserting `principal` with a signed internal token. */
export async function subgraphRequest<T = Record<string, unknown>>(
  subgraphUrl: string,
  principal: Principal,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLResponse<T>> {
  const token = await testInternalTokens.sign(principal);
  return postGraphQL<T>(`${subgraphUrl}/graphql`, query, variables, { [INTERNAL_PRINCIPAL_HEADER]: token });
}
