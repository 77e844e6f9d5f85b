import type { Db } from '../db';
import type { EventBus } from './bus';
import { ConsumerRunner, type ConsumerDefinition, type ConsumerDrill } from './consumer';
import { OutboxRelay } from './relay';
import { watchOutbox } from '../metrics';
import type { UpdateFanout } from './fanout';

/**
 * The event machinery of one process: an outbox relay per subgraph schema it hosts and a runner
 * per consumer, over one bus. The embedded default has one pipeline for every service on the
 * in-process bus; a production process has one for its own subgraph on Redis.
 */
export class EventPipeline {
  private readonly relays = new Map<string, OutboxRelay>();
  private readonly consumers = new Map<string, ConsumerRunner>();
  private started = false;
  /** Removes each relay's outbox from the scrape-time lag gauges. */
  private readonly unwatch: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    readonly bus: EventBus,
    /** Where relays broadcast published events for subscriptions; default none. */
    readonly fanout?: UpdateFanout,
    /** The consumer failure drill, if one is configured; a consumer not in this process is unaffected. */
    private readonly drill?: ConsumerDrill,
  ) {}

  /** Relays `schema`'s outbox (once per schema, however often asked). */
  addRelay(schema: string): OutboxRelay {
    let relay = this.relays.get(schema);
    if (!relay) {
      relay = new OutboxRelay({ db: this.db, schema, bus: this.bus, fanout: this.fanout });
      this.relays.set(schema, relay);
      const watched = relay;
      this.unwatch.push(watchOutbox({ subgraph: schema, lag: () => watched.lag() }));
      if (this.started) relay.start();
    }
    return relay;
  }

  /** Runs a consumer; its name must be unique in the graph. */
  async addConsumer(definition: ConsumerDefinition): Promise<ConsumerRunner> {
    if (this.consumers.has(definition.name)) throw new Error(`Consumer ${definition.name} is registered twice`);
    const runner = new ConsumerRunner(this.db, this.bus, definition, this.drill?.consumer === definition.name ? this.drill.until : undefined);
    this.consumers.set(definition.name, runner);
    if (this.started) await runner.start();
    return runner;
  }

  /** The runner of a consumer, for replays. */
  consumer(name: string): ConsumerRunner | undefined {
    return this.consumers.get(name);
  }

  /** Wakes `schema`'s relay after a commit that appended events. */
  wake(schema: string): void {
    this.relays.get(schema)?.wake();
  }

  /** Starts consumers first, so nothing a relay publishes in-process finds no subscriber. */
  async start(): Promise<void> {
    this.started = true;
    for (const runner of this.consumers.values()) await runner.start();
    for (const relay of this.relays.values()) relay.start();
  }

  /** Stops relays, then consumers, then closes the bus. */
  async stop(): Promise<void> {
    this.started = false;
    for (const unwatch of this.unwatch.splice(0)) unwatch();
    for (const relay of this.relays.values()) await relay.stop();
    for (const runner of this.consumers.values()) await runner.stop();
    await this.bus.close();
  }
}
