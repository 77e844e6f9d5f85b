import type { BaseContext } from '@apollo/server';
import type { Principal } from '../platform/auth';

/**
 * What the gateway knows about one client request once it is authenticated. Built once per HTTP
 * request and handed by Apollo Gateway to every subgraph fetch of that request's query plan.
 */
export interface GatewayContext extends BaseContext {
  /** Travels in `x-correlation-id` to every subgraph; echoed to the client. */
  correlationId: string;
  /** The caller, verified from the client's bearer token. */
  principal: Principal;
  /**
   * The principal signed for subgraphs (`x-internal-principal`). Signed once per client request,
   * not once per subgraph fetch: a query plan may fan out to dozens of fetches.
   */
  internalPrincipalToken: string;
}
