import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_PRINCIPAL_HEADER } from '../platform/auth';
import { CORRELATION_HEADER } from '../platform/correlation';
import { recordSubgraphFetch, stopwatch } from '../platform/metrics';
import type { GatewayContext } from './context';
import type { SubgraphFetcher } from './fetcher';
import { readWithinBudget, responseBudgetOf } from './response-budget';

/**
 * A subgraph as the gateway calls it: every fetch carries the request's correlation id and the
 * principal the gateway signed for it. Subgraphs refuse anything without a verifiable principal.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    fetcher: SubgraphFetcher,
    /** The subgraph's name in the supergraph: the `subgraph` label of the fetch metrics. */
    private readonly subgraphName = 'unknown',
  ) {
    super({ url, fetcher: fetcher.fetch });
  }

  /** One fetch, counted and timed for `/metrics` by subgraph and outcome. */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    const elapsed = stopwatch();
    try {
      const response = await super.process(options);
      recordSubgraphFetch(this.subgraphName, response.errors?.length ? 'graphql_error' : 'ok', elapsed());
      return response;
    } catch (error) {
      recordSubgraphFetch(this.subgraphName, 'failed', elapsed());
      throw error;
    }
  }

  /** Adds the correlation id and internal principal of the client request this fetch serves. */
  override willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = options.request.http?.headers;
    if (!headers) return;
    // Health checks and schema loading have no client request, hence no principal; the gateway
    // does neither (the registry supplies the supergraph), so only operations reach this point.
    const context = options.context as Partial<GatewayContext>;
    if (context.correlationId) headers.set(CORRELATION_HEADER, context.correlationId);
    if (context.internalPrincipalToken) headers.set(INTERNAL_PRINCIPAL_HEADER, context.internalPrincipalToken);
  }

  /** Reads the answer within the operation's response budget (`response-budget.ts`). */
  override parseBody(...[response, request, context]: Parameters<RemoteGraphQLDataSource<GatewayContext>['parseBody']>): Promise<object | string> {
    const budget = responseBudgetOf(context);
    return budget ? readWithinBudget(response, budget) : super.parseBody(response, request, context);
  }
}
