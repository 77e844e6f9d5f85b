import { Client } from 'pg';

/** Channel names are identifiers we choose (`rg_wake_<schema>_<table>`): refused otherwise, as they are spliced into LISTEN. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new TypeError(`listen channel must match ${CHANNEL}, but got: ${JSON.stringify(channel)}`);
}

/** How long a lost listening session waits before it connects again (listeners poll slowly meanwhile). */
const RECONNECT_MS = 1_000;

/**
 * One PostgreSQL session kept for LISTEN, shared by every listener of a pool (a pooled connection
 * cannot listen: it goes back to the pool). A lost session is opened again and listens again;
 * what was notified in between is missed, which the listeners' slow polls cover.
 */
export class Listener {
  private client?: Client;
  private connecting?: Promise<Client>;
  private closed = false;
  private readonly handlers = new Map<string, Set<() => void>>();
  /** LISTEN commands one after another: a pg client runs one statement at a time. */
  private commands: Promise<unknown> = Promise.resolve();

  constructor(private readonly connectionString: string) {}

  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    assertChannel(channel);
    let set = this.handlers.get(channel);
    const first = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(onNotify);
    const client = await this.connect();
    if (first) await this.command(client, `LISTEN ${channel}`);
    return async () => {
      set.delete(onNotify);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.connectionString, application_name: 'returns-graph-listener' });
      client.on('notification', (message) => {
        for (const handler of this.handlers.get(message.channel) ?? []) handler();
      });
      client.on('error', () => this.lost(client));
      client.on('end', () => this.lost(client));
      await client.connect();
      for (const channel of this.handlers.keys()) await this.command(client, `LISTEN ${channel}`);
      this.client = client;
      return client;
    })().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private command(client: Client, sql: string): Promise<unknown> {
    const run = this.commands.then(() => client.query(sql));
    this.commands = run.catch(() => undefined);
    return run;
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.closed) return;
    const retry = () => {
      if (this.closed) return;
      this.connect().catch(() => setTimeout(retry, RECONNECT_MS).unref());
    };
    setTimeout(retry, RECONNECT_MS).unref();
  }
}
