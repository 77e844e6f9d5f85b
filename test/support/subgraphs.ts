import type { Db } from '../../platform/db';
import type { SubgraphDefinition } from '../../platform/subgraph';
import { buildConnectors } from '../../app/connectors';
import { subgraphNamed, type SubgraphName, type SubgraphSettings } from '../../app/subgraphs';
import { TEST_SETTINGS } from './settings';
import type { CommerceConnector } from '../../connectors/commerce/port';

/**
 * One subgraph built over `db` the way app/ builds it, with connectors of its own over the same
 * database (the reference ERP, the simulated gateway unless `settings` say otherwise, and the
 * commerce connectors given — none by default): for tests that run a single subgraph.
 */
export function testSubgraph(
  name: SubgraphName,
  db: Db,
  settings: SubgraphSettings = TEST_SETTINGS,
  commerce: readonly CommerceConnector[] = [],
): SubgraphDefinition<unknown> {
  return subgraphNamed(name, { db, connectors: buildConnectors(db, settings.payments, commerce, settings.erp), settings });
}
