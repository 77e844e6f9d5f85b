import { metricsRegistry } from '../platform/metrics';
import type { Principal } from '../platform/auth';
import { createTestDatabase, type TestDatabase } from '../test/support/database';
import { principals } from '../test/support/principals';
import { postGraphQL, testInternalTokens, type GraphQLResponse } from '../test/support/subgraph-client';
import { FetchMerger, stableJson } from './fetch-merge';
import { startGateway, type RunningGateway } from './server';
import { createTestClientTokens, type TestClientTokens } from './testing/client-tokens';
import { composeSupergraph, startFakeRegistry, type FakeRegistry } from './testing/fake-registry';
import { startGatedSubgraph, type GatedSubgraph } from './testing/gated-subgraph';

let database: TestDatabase;
let gated: GatedSubgraph;
let registry: FakeRegistry;
let merging: RunningGateway;
let unmerged: RunningGateway;
let tokens: TestClientTokens;

beforeAll(async () => {
  database = await createTestDatabase({ maxConnections: 2 });
  gated = await startGatedSubgraph(database.db);
  registry = await startFakeRegistry();
  registry.publish(composeSupergraph(gated.composable));
  tokens = await createTestClientTokens();
  const options = { registryUrl: registry.url, port: 0, verifier: tokens.verifier, internalTokens: testInternalTokens };
  merging = await startGateway(options);
  unmerged = await startGateway({ ...options, mergeFetches: false });
  await Promise.all([merging.ready, unmerged.ready]);
});

afterAll(async () => {
  gated?.gate.open();
  await merging?.close();
  await unmerged?.close();
  await registry?.close();
  await gated?.close();
  await database?.drop();
});

const WHOAMI = 'query Who($tag: String!) { whoami(tag: $tag) }';
const REFUSED = 'query Refused($tag: String!) { refused(tag: $tag) }';
const TOUCH = 'mutation Touch($tag: String!) { touch(tag: $tag) }';

const alice: Principal = principals.customer('cus_alice');
const bob: Principal = principals.customer('cus_bob');

/** Posts `query` through `gateway` as `principal`, each call with its own freshly signed client token. */
async function ask(gateway: RunningGateway, principal: Principal, query: string, tag: string): Promise<GraphQLResponse<Record<string, string | null>>> {
  return postGraphQL<Record<string, string | null>>(`${gateway.url}/graphql`, query, { tag }, { authorization: await tokens.bearer(principal) });
}

/** Fetches merged so far into the orders subgraph's flights. */
async function mergedSoFar(): Promise<number> {
  const metric = await metricsRegistry.getSingleMetric('returns_graph_gateway_subgraph_fetches_merged_total')?.get();
  return metric?.values.filter((value) => value.labels.subgraph === 'orders').reduce((sum, value) => sum + value.value, 0) ?? 0;
}

const callsTagged = (tag: string) => gated.calls.filter((call) => call.tag === tag);

/** Waits until `condition` holds; fails naming it if it never does (a guard against hanging, not a timing assertion). */
async function until(what: string, condition: () => Promise<boolean> | boolean): Promise<void> {
  for (let attempt = 0; attempt < 1_000; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`never came true: ${what}`);
}

describe('merging identical in-flight subgraph fetches', () => {
  it('sends identical concurrent queries of one principal to the subgraph once, and answers every caller', async () => {
    const before = await mergedSoFar();
    gated.gate.hold();
    const answers = Array.from({ length: 5 }, () => ask(merging, alice, WHOAMI, 'a'));
    await until('one fetch reached the subgraph and four joined it', async () => callsTagged('a').length === 1 && (await mergedSoFar()) - before === 4);
    gated.gate.open();
    for (const answer of await Promise.all(answers)) {
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual({ whoami: 'user:cus_alice/a' });
    }
    expect(callsTagged('a')).toEqual([{ field: 'whoami', subject: 'user:cus_alice', tag: 'a' }]);
  });

  it('never merges the same query of two principals: each reaches the subgraph and gets its own answer', async () => {
    const before = await mergedSoFar();
    gated.gate.hold();
    const forAlice = Array.from({ length: 3 }, () => ask(merging, alice, WHOAMI, 'b'));
    const forBob = Array.from({ length: 3 }, () => ask(merging, bob, WHOAMI, 'b'));
    await until(
      'one fetch per principal reached the subgraph and the others joined their own',
      async () => callsTagged('b').length === 2 && (await mergedSoFar()) - before === 4,
    );
    gated.gate.open();
    for (const answer of await Promise.all(forAlice)) expect(answer.data).toEqual({ whoami: 'user:cus_alice/b' });
    for (const answer of await Promise.all(forBob)) expect(answer.data).toEqual({ whoami: 'user:cus_bob/b' });
    expect(
      callsTagged('b')
        .map((call) => call.subject)
        .sort(),
    ).toEqual(['user:cus_alice', 'user:cus_bob']);
  });

  it('never merges mutations', async () => {
    const before = await mergedSoFar();
    gated.gate.hold();
    const answers = Array.from({ length: 3 }, () => ask(merging, alice, TOUCH, 'c'));
    await until('every mutation reached the subgraph', () => callsTagged('c').length === 3);
    gated.gate.open();
    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ touch: 'user:cus_alice/c' });
    expect(await mergedSoFar()).toBe(before);
  });

  it('hands the error of a merged fetch to every caller that waited on it', async () => {
    const before = await mergedSoFar();
    gated.gate.hold();
    const answers = Array.from({ length: 3 }, () => ask(merging, alice, REFUSED, 'd'));
    await until('one fetch reached the subgraph and two joined it', async () => callsTagged('d').length === 1 && (await mergedSoFar()) - before === 2);
    gated.gate.open();
    for (const answer of await Promise.all(answers)) {
      expect(answer.data).toEqual({ refused: null });
      expect(answer.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
    }
    expect(callsTagged('d')).toHaveLength(1);
  });

  it('keeps nothing after the flight: the same query asked again reaches the subgraph again', async () => {
    const before = await mergedSoFar();
    expect((await ask(merging, alice, WHOAMI, 'e')).data).toEqual({ whoami: 'user:cus_alice/e' });
    expect((await ask(merging, alice, WHOAMI, 'e')).data).toEqual({ whoami: 'user:cus_alice/e' });
    expect(callsTagged('e')).toHaveLength(2);
    expect(await mergedSoFar()).toBe(before);
  });

  it('sends every fetch when merging is off (GATEWAY_MERGE_FETCHES=false)', async () => {
    gated.gate.hold();
    const answers = Array.from({ length: 3 }, () => ask(unmerged, alice, WHOAMI, 'f'));
    await until('every query reached the subgraph', () => callsTagged('f').length === 3);
    gated.gate.open();
    for (const answer of await Promise.all(answers)) expect(answer.data).toEqual({ whoami: 'user:cus_alice/f' });
  });
});

describe('FetchMerger', () => {
  it('shares one flight per key while it is in flight, and forgets it once settled', async () => {
    const merger = new FetchMerger<string>();
    let started = 0;
    let finish: (value: string) => void = () => undefined;
    const start = () => {
      started++;
      return new Promise<string>((resolve) => (finish = resolve));
    };
    const first = merger.run('k', start);
    const second = merger.run('k', start);
    const other = merger.run('other', () => Promise.resolve('o'));
    expect([first.merged, second.merged, other.merged]).toEqual([false, true, false]);
    finish('v');
    await expect(Promise.all([first.outcome, second.outcome, other.outcome])).resolves.toEqual(['v', 'v', 'o']);
    expect(merger.size).toBe(0);
    expect(started).toBe(1);
  });

  it('rejects every waiter with the flight error, then starts afresh', async () => {
    const merger = new FetchMerger<string>();
    let fail: (error: Error) => void = () => undefined;
    const first = merger.run('k', () => new Promise<string>((_resolve, reject) => (fail = reject)));
    const second = merger.run('k', () => Promise.resolve('never'));
    fail(new Error('subgraph down'));
    await expect(first.outcome).rejects.toThrow('subgraph down');
    await expect(second.outcome).rejects.toThrow('subgraph down');
    expect(merger.run('k', () => Promise.resolve('again')).merged).toBe(false);
  });
});

describe('stableJson', () => {
  it('serialises equal values equally whatever their key order, and as JSON', () => {
    const a = { variables: { b: [1, { y: 2, x: 'é"' }], a: null }, query: '{ x }', skipped: undefined };
    const b = { query: '{ x }', variables: { a: null, b: [1, { x: 'é"', y: 2 }] } };
    expect(stableJson(a)).toBe(stableJson(b));
    expect(JSON.parse(stableJson(a))).toEqual(JSON.parse(JSON.stringify(b)));
  });
});
