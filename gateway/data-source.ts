import { STATUS_CODES } from 'node:http';
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLError, Kind, type DocumentNode } from 'graphql';
import { INTERNAL_PRINCIPAL_HEADER } from '../platform/auth';
import { CORRELATION_HEADER } from '../platform/correlation';
import { ErrorCode } from '../platform/graphql/errors';
import { recordMergedSubgraphFetch, recordSubgraphFetch, stopwatch } from '../platform/metrics';
import type { GatewayContext } from './context';
import { FetchMerger, principalKey, stableJson } from './fetch-merge';
import { subgraphAddress, type SubgraphAddress, type SubgraphFetcher } from './fetcher';
import { chargeBudget, readWithinBudget, responseBudgetOf, type ResponseBudget } from './response-budget';

type SubgraphResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

/** A subgraph's answer as read off the wire: shared by merged fetches, so never parsed in place. */
interface RawAnswer {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** How the gateway's data sources fetch: one pool, and one merger of in-flight fetches (or none). */
export interface SubgraphFetching {
  fetcher: SubgraphFetcher;
  /** Merges identical in-flight queries (`GATEWAY_MERGE_FETCHES`); absent: every fetch is sent. */
  merger?: FetchMerger<RawAnswer>;
}

/** A merger for every data source of one gateway. */
export function createFetchMerger(): FetchMerger<RawAnswer> {
  return new FetchMerger<RawAnswer>();
}

/**
 * A subgraph as the gateway calls it: every fetch carries the request's correlation id and the
 * principal the gateway signed for it. Subgraphs refuse anything without a verifiable principal.
 *
 * It implements Apollo's `GraphQLDataSource` itself instead of extending `RemoteGraphQLDataSource`:
 * that class builds a node-fetch `Headers` and `Request` and a WHATWG `fetch` per subgraph call,
 * which profiled as the gateway's largest cost; none of its hooks (APQ, cache-control hints: the
 * cache-control plugin is off) are used here. Failures read as Apollo's do (`<status>: <text>`
 * with `extensions.response`), which gateway/format-error.ts recognises.
 */
export class SubgraphDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly address: SubgraphAddress | undefined;

  constructor(
    readonly url: string,
    private readonly fetching: SubgraphFetching,
    /** The subgraph's name in the supergraph: the `subgraph` label of the fetch metrics. */
    private readonly subgraphName = 'unknown',
  ) {
    // A supergraph naming no URL for a subgraph fails that subgraph's fetches, not the gateway.
    this.address = URL.canParse(url) ? subgraphAddress(url) : undefined;
  }

  /** One fetch, counted and timed for `/metrics` by subgraph and outcome (a merged one is counted apart). */
  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<SubgraphResponse> {
    const elapsed = stopwatch();
    let merged = false;
    try {
      const { request } = options;
      if (!request.query) throw new Error('Missing query');
      const context = options.context as Partial<GatewayContext>;
      const budget = responseBudgetOf(context);
      const mergeKey = this.fetching.merger ? this.mergeKeyOf(options, budget) : undefined;
      let raw: RawAnswer;
      if (mergeKey && this.fetching.merger) {
        const flightBudget: ResponseBudget = { max: budget?.max ?? Infinity, used: 0, exceeded: false };
        const flight = this.fetching.merger.run(mergeKey.key, () => this.exchange(context, mergeKey.body, flightBudget));
        merged = flight.merged;
        // Counted as it joins (not as it ends), so the count shows fetches waiting on another's flight.
        if (merged) recordMergedSubgraphFetch(this.subgraphName);
        raw = await flight.outcome.catch((error: unknown) => {
          // An answer over the cap is over every waiter's cap (they share it): each answers RESPONSE_TOO_LARGE.
          if (budget && isTooLarge(error)) budget.exceeded = true;
          throw error;
        });
        // The flight read within one operation's cap; each waiter pays for the answer from its own budget.
        if (budget) chargeBudget(budget, raw.bytes.byteLength);
      } else {
        raw = await this.exchange(
          context,
          JSON.stringify({ query: request.query, operationName: request.operationName, variables: request.variables, extensions: request.extensions }),
          budget,
        );
      }
      const response = this.responseOf(raw);
      if (!merged) recordSubgraphFetch(this.subgraphName, response.errors?.length ? 'graphql_error' : 'ok', elapsed());
      return response;
    } catch (error) {
      if (!merged) recordSubgraphFetch(this.subgraphName, 'failed', elapsed());
      throw error;
    }
  }

  /**
   * The key of a fetch that may be merged, and the body it sends; none for what must not be: a
   * mutation (each one is an effect), anything but a client operation, a request without a principal.
   * The key holds all that changes the answer: subgraph, operation and variables, the principal
   * (never shared across principals), the response cap.
   */
  private mergeKeyOf(options: GraphQLDataSourceProcessOptions<GatewayContext>, budget: ResponseBudget | undefined): { key: string; body: string } | undefined {
    // Compared by value: Apollo Gateway does not export the enum.
    if ((options.kind as string) !== 'incoming operation') return undefined;
    const principal = (options.context as Partial<GatewayContext>).principal;
    const { request } = options;
    if (!principal || !request.query || !isQuery(request.query, 'document' in options ? options.document : undefined)) return undefined;
    const body = stableJson({ query: request.query, operationName: request.operationName, variables: request.variables, extensions: request.extensions });
    return { key: `${this.subgraphName}\n${principalKey(principal)}\n${budget?.max ?? 'unbounded'}\n${body}`, body };
  }

  /** POSTs one operation and reads the answer within `budget`; the headers are the client request's. */
  private async exchange(context: Partial<GatewayContext>, body: string, budget: ResponseBudget | undefined): Promise<RawAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    // Health checks and schema loading have no client request, hence no principal; the gateway
    // does neither (the registry supplies the supergraph), so only operations reach this point.
    if (context.correlationId) headers[CORRELATION_HEADER] = context.correlationId;
    if (context.internalPrincipalToken) headers[INTERNAL_PRINCIPAL_HEADER] = context.internalPrincipalToken;
    if (!this.address) throw new Error(`Subgraph ${this.subgraphName} has no valid URL: ${JSON.stringify(this.url)}`);
    const answer = await this.fetching.fetcher.post(this.address, headers, body);
    const bytes = budget ? await readWithinBudget(answer, budget) : await readAll(answer.body);
    const contentType = answer.headers['content-type'];
    return { status: answer.status, contentType: typeof contentType === 'string' ? contentType : '', bytes };
  }

  /** This waiter's own copy of the answer, or the error Apollo's data source would throw for it. */
  private responseOf(raw: RawAnswer): SubgraphResponse {
    const body = parseBody(raw);
    if (raw.status < 200 || raw.status > 299) throw httpFailure(this.url, raw.status, body);
    if (typeof body !== 'object' || body === null) throw new Error(`Expected JSON response body, but received: ${String(body)}`);
    return body as SubgraphResponse;
  }
}

/** Whether an operation the query planner built is a query (only queries are merged). */
function isQuery(query: string, document: DocumentNode | undefined): boolean {
  if (document) {
    const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
    return operations.length === 1 && operations[0]?.operation === 'query';
  }
  // The planner writes `query Name(...) {` or a bare selection set for queries.
  return /^\s*(query\b|\{)/.test(query);
}

/** JSON when the subgraph says so (parsed anew for every caller), text otherwise, like Apollo's `parseBody`. */
function parseBody(raw: RawAnswer): unknown {
  const text = raw.bytes.toString('utf8');
  const json = raw.contentType.startsWith('application/json') || raw.contentType.startsWith('application/graphql-response+json');
  return json ? (JSON.parse(text) as unknown) : text;
}

/** Apollo's `errorFromResponse`: format-error.ts reads `extensions.response.status`. */
function httpFailure(url: string, status: number, body: unknown): GraphQLError {
  const statusText = STATUS_CODES[status] ?? '';
  const code = status === 401 ? 'UNAUTHENTICATED' : status === 403 ? 'FORBIDDEN' : undefined;
  return new GraphQLError(`${status}: ${statusText}`, { extensions: { response: { url, status, statusText, body }, ...(code ? { code } : {}) } });
}

function isTooLarge(error: unknown): boolean {
  return error instanceof GraphQLError && error.extensions.code === ErrorCode.RESPONSE_TOO_LARGE;
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}
