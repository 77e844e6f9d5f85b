import type { SubgraphDefinition } from '../platform/subgraph';
import { ordersSubgraph } from '../subgraphs/orders';
import { returnsSubgraph } from '../subgraphs/returns';
import { inventorySubgraph } from '../subgraphs/inventory';
import { refundsSubgraph } from '../subgraphs/refunds';

/**
 * Every subgraph, in the order they publish to the registry: orders first, because the others
 * extend its entities (inventory's `OrderLine.inventoryItem` requires the `sku` orders owns).
 */
export const SUBGRAPHS: readonly SubgraphDefinition<unknown>[] = [
  ordersSubgraph as SubgraphDefinition<unknown>,
  returnsSubgraph as SubgraphDefinition<unknown>,
  refundsSubgraph as SubgraphDefinition<unknown>,
  inventorySubgraph as SubgraphDefinition<unknown>,
];

export type SubgraphName = SubgraphDefinition<unknown>['name'];

/** A subgraph by name; a typo is a start-up error listing the names. */
export function subgraphNamed(name: string): SubgraphDefinition<unknown> {
  const found = SUBGRAPHS.find((subgraph) => subgraph.name === name);
  if (!found) throw new Error(`Unknown subgraph "${name}"; known: ${SUBGRAPHS.map((s) => s.name).join(', ')}`);
  return found;
}
