import { PostgresDb } from './db';
import { startSubgraph, type RunningSubgraph } from './subgraph';
import { returnsSubgraph } from '../subgraphs/returns';
import { subgraphRequest, testInternalTokens } from '../test/support/subgraph-client';
import { principals } from '../test/support/principals';
import { TEST_SETTINGS } from '../test/support/settings';

describe('a subgraph whose database is down', () => {
  let db: PostgresDb;
  let subgraph: RunningSubgraph;

  beforeAll(async () => {
    // Port 1 on loopback: nothing listens, so every connection is refused at once.
    db = new PostgresDb({ connectionString: 'postgres://root@127.0.0.1:1/none' });
    subgraph = await startSubgraph(returnsSubgraph({ settings: TEST_SETTINGS.returns }), { db, internalTokens: testInternalTokens, port: 0 });
  });

  afterAll(async () => {
    await subgraph.close();
    await db.close();
  });

  it('fails requests fast with SERVICE_UNAVAILABLE instead of hanging', async () => {
    const started = Date.now();
    const response = await subgraphRequest(subgraph.url, principals.serviceDesk(), '{ returns(first: 1) { edges { cursor } } }');
    expect(response.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(response.errors?.[0]?.message).toMatch(/database is not reachable/);
    // The pool's connect timeout bounds the wait; a refused connection returns far sooner.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports not ready while still answering liveness', async () => {
    expect((await fetch(`${subgraph.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${subgraph.url}/healthz`)).status).toBe(200);
  });
});
