import { forbidden } from '../graphql/errors';
import { mayPerform, type Operation, type Principal } from '../auth';

/**
 * Shared by every subgraph that contributes to the operations entities (`ReturnsKpis`,
 * `BusinessTrace`, docs/design/011): entities are reached through `_entities`, which no root guard
 * covers, so each contribution asks the capability table's row of the root field that owns it.
 */
export function assertMayContribute(principal: Principal, operation: Operation): void {
  if (!mayPerform(principal, operation)) throw forbidden();
}
