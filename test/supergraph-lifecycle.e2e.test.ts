import { subgraphSdl } from '../platform/subgraph';
import { RegistryClient } from '../schema-registry';
import { returnsSchema } from '../subgraphs/returns';
import { startTestGraph, type TestGraph } from './support/graph';
import { principals } from './support/principals';

let t: TestGraph;

beforeAll(async () => {
  t = await startTestGraph({ seed: false, pollIntervalMs: 100 });
});

afterAll(async () => {
  await t.close();
});

const returnFields = `{ __type(name: "Return") { fields { name } } }`;

async function waitFor(predicate: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not met in time');
}

describe('supergraph lifecycle with the real registry', () => {
  const client = () => new RegistryClient({ baseUrl: t.graph.registry.url, publishToken: t.registryToken });
  const returnsUrl = () => `${t.graph.subgraphs.find((s) => s.name === 'returns')?.url}/graphql`;

  it('refuses a schema that breaks composition and keeps serving the current supergraph', async () => {
    const before = t.graph.gateway.supergraphState().version;
    const broken = `${subgraphSdl(returnsSchema)}\nextend type Query { order(id: ID!): Int }`;
    const result = await client().publish('returns', returnsUrl(), broken);
    expect(result.status).toBe('REJECTED');
    expect(JSON.stringify(result.compositionErrors)).toMatch(/order/);
    expect(t.graph.gateway.supergraphState().version).toBe(before);
  });

  it('refuses a breaking change unless forced', async () => {
    const withoutUpdatedAt = subgraphSdl(returnsSchema).replace(/"When the return last changed\."\s*updatedAt: DateTime!/, '');
    expect(withoutUpdatedAt).not.toMatch(/"When the return last changed\."/);
    const result = await client().check('returns', returnsUrl(), withoutUpdatedAt);
    expect(result.status).toBe('REJECTED');
    expect(result.breakingChanges.map((change) => change.description).join(' ')).toMatch(/Return\.updatedAt/);
  });

  it('hot-loads a newly published supergraph into the running gateway', async () => {
    const extended = `${subgraphSdl(returnsSchema)}\nextend type Return { "A note for the service desk (hot-reload probe)." deskNote: String }`;
    const result = await client().publish('returns', returnsUrl(), extended);
    expect(result.status).toBe('PUBLISHED');
    await waitFor(async () => {
      const response = await t.query<{ __type: { fields: { name: string }[] } }>(principals.operations(), returnFields);
      return response.data?.__type.fields.some((field) => field.name === 'deskNote') ?? false;
    });
  });

  it('keeps serving the last good supergraph while the registry is down', async () => {
    await t.graph.registry.close();
    await new Promise((resolve) => setTimeout(resolve, 400));
    const response = await t.query<{ __type: { fields: { name: string }[] } }>(principals.operations(), returnFields);
    expect(response.errors).toBeUndefined();
    expect(response.data?.__type.fields.map((f) => f.name)).toContain('deskNote');
    expect(t.graph.gateway.supergraphState().lastError).toBeTruthy();
    expect((await fetch(`${t.graph.gateway.url}/readyz`)).status).toBe(200);
  });
});
