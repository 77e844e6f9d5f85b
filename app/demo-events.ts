import type { Db } from '../platform/db';
import { EventPipeline } from '../platform/events/pipeline';
import { InProcessBus } from '../platform/events/in-process-bus';
import { settlePipeline } from '../platform/events/quiescence';
import { allSubgraphs, graphConnectors, type SubgraphSettings } from './subgraphs';

/**
 * Quiet for this long: the in-process bus hands each published event to its consumers at once and a
 * consumer's appends wake the relay, so a second without a change means the chain has ended.
 */
const QUIET_MS = 1_000;
/** The demo seed's 1,000 orders take a few seconds to carry everywhere; this is far beyond that. */
const TIMEOUT_MS = 120_000;

/**
 * Carries the events the demo seed appended (orders recorded, locations and opening stock) through
 * every subgraph's consumers, as the running graph would after its start, then forgets the bus
 * this ran on. The embedded default's snapshot is taken after this, so a start from the snapshot
 * serves at once instead of spending its first seconds on the seed's events (the single-session
 * PGlite queues every query behind them).
 *
 * Only relays and consumers run: no server, and no workers (those call payment providers and ERPs;
 * they start with the graph and find their queues as the seed left them). The seed's events are
 * handled by consumers that write to the database only.
 */
export async function settleDemoEvents(db: Db, settings: SubgraphSettings): Promise<void> {
  const pipeline = new EventPipeline(db, new InProcessBus());
  const subgraphs = allSubgraphs({ db, connectors: graphConnectors(db, settings), settings });
  for (const definition of subgraphs) {
    pipeline.addRelay(definition.name);
    for (const consumer of definition.consumers ?? []) await pipeline.addConsumer(consumer);
  }
  await pipeline.start();
  try {
    await settlePipeline(
      db,
      subgraphs.map((definition) => definition.name),
      { quietMs: QUIET_MS, timeoutMs: TIMEOUT_MS },
    );
  } finally {
    await pipeline.stop();
  }
  // A relay that finds another bus epoch recorded republishes the last day's events (the bus may
  // have lost them). This bus ended with this function and lost nothing: the next process's relay
  // must start as on a database that never had one.
  for (const definition of subgraphs) await db.query(`DELETE FROM ${definition.name}.relay_state`);
}
