/**
 * Settings of the gateway's hop to the subgraphs. (Admission control has its own group.)
 */
import { z } from 'zod';

/** How the gateway fetches from subgraphs. */
export const GATEWAY_SETTINGS = {
  /**
   * `true` merges identical subgraph queries in flight at the same time (same subgraph, operation,
   * variables and principal) into one fetch whose answer every caller gets; `false` sends each.
   * Only `true` or `false`. Mutations are never merged.
   */
  GATEWAY_MERGE_FETCHES: z.enum(['true', 'false'], { error: 'must be "true" or "false"' }).default('true'),
};

/** The gateway options these settings give (`startGateway`'s). */
export interface GatewayHopOptions {
  mergeFetches: boolean;
}

/** The hop options of a validated configuration. */
export function gatewayHopOf(config: { GATEWAY_MERGE_FETCHES: 'true' | 'false' }): GatewayHopOptions {
  return { mergeFetches: config.GATEWAY_MERGE_FETCHES === 'true' };
}
