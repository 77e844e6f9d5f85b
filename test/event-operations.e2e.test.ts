import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';
import { newId } from '../platform/ids';
import { main as eventsCli } from '../scripts/events';

let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
});

afterAll(async () => {
  await t.close();
});

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function cli(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const token = await t.tokenFor(principals.operations());
  const code = await eventsCli(argv, { gatewayUrl: t.url, token }, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

const PIPELINE = `{ returnsEventPipeline { subgraph outboxPending pendingRetries deadLetterCount
  deadLetters(first: 10) { edges { node { id consumer eventType aggregateId error attempts status payload } } } } }`;

type Pipeline = {
  returnsEventPipeline: {
    deadLetterCount: number;
    deadLetters: { edges: { node: { id: string; consumer: string; eventType: string; error: string; attempts: number; status: string } }[] };
  };
};

describe('event pipeline operations through the gateway', () => {
  let poisonId: string;

  beforeAll(async () => {
    // A malformed OrderRecorded (as a buggy publisher might write): the returns consumer must
    // dead-letter it at once, not retry it and not apply it.
    poisonId = newId('evt');
    await t.database.db.query(
      `INSERT INTO orders.outbox (id, type, version, source, aggregate_id, correlation_id, data) VALUES ($1, 'OrderRecorded', 1, 'orders', 'ord_poison', 'test', $2)`,
      [poisonId, { orderId: 'not-an-order' }],
    );
    t.graph.events.wake('orders');
    await until(async () => {
      const { rows } = await t.database.db.query(`SELECT 1 FROM returns.dead_letters WHERE event_id = $1`, [poisonId]);
      return rows[0];
    });
  });

  it('shows dead letters and pipeline health to operations', async () => {
    const response = await t.query<Pipeline>(principals.operations(), PIPELINE);
    expect(response.errors).toBeUndefined();
    expect(response.data?.returnsEventPipeline.deadLetterCount).toBe(1);
    expect(response.data?.returnsEventPipeline.deadLetters.edges[0]?.node).toMatchObject({
      consumer: 'returns.order-snapshots',
      eventType: 'OrderRecorded',
      attempts: 0,
      status: 'DEAD',
    });
    expect(response.data?.returnsEventPipeline.deadLetters.edges[0]?.node.error).toMatch(/Invalid OrderRecorded v1 event/);
  });

  it('refuses pipeline operations to other roles with FORBIDDEN', async () => {
    const customer = await t.query(principals.customer(), PIPELINE);
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const replay = await t.query(principals.storeManager(), `mutation { replayReturnsDeadLetters(input: { dryRun: true }, idempotencyKey: "k1") { dryRun } }`);
    expect(replay.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('lists, dry-runs and replays dead letters from the CLI, auditing the replay', async () => {
    const listed = await cli('list', '--subgraph', 'returns');
    expect(listed.code).toBe(0);
    expect(listed.out.join('\n')).toMatch(/DEAD\treturns\.order-snapshots\tOrderRecorded\tord_poison/);

    const dry = await cli('replay', '--subgraph', 'returns', '--consumer', 'returns.order-snapshots', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.out.join('\n')).toMatch(/WOULD_REPLAY/);
    const { rows: audited } = await t.database.db.query(`SELECT 1 FROM returns.audit_log WHERE action = 'replayDeadLetters'`);
    expect(audited).toHaveLength(0);

    const replay = await cli('replay', '--subgraph', 'returns', '--consumer', 'returns.order-snapshots');
    expect(replay.code).toBe(0);
    expect(replay.out.join('\n')).toMatch(/done: REPLAYED=1/);
    const { rows: audit } = await t.database.db.query<{ actor: string; details: { replayed: number[] } }>(
      `SELECT actor, details FROM returns.audit_log WHERE action = 'replayDeadLetters'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details.replayed).toHaveLength(1);
    // Still malformed: the consumer dead-letters it again rather than applying it.
    await until(async () => {
      const { rows } = await t.database.db.query<{ status: string }>(`SELECT status FROM returns.dead_letters WHERE event_id = $1`, [poisonId]);
      return rows[0]?.status === 'DEAD' ? true : undefined;
    });
    const { rows: snapshots } = await t.database.db.query(`SELECT 1 FROM returns.order_snapshots WHERE order_id = 'not-an-order'`);
    expect(snapshots).toHaveLength(0);
  });

  it('prints every subgraph pipeline status', async () => {
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.out[0]).toMatch(/subgraph\s+outbox pending/);
    expect(status.out.some((line) => /^returns\s+\d+\s+\d+\s+\d+\s+1$/.test(line))).toBe(true);
  });

  it('explains its usage when called wrongly', async () => {
    const wrong = await cli('replay');
    expect(wrong.code).toBe(2);
    expect(wrong.err.join('\n')).toMatch(/usage: npm run events/);
  });
});
