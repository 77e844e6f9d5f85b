import { apiSchemaOf, apiSchemaOfSupergraph, findApiBreakingChanges } from './breaking-changes';
import { compose, type SubgraphSource } from './composition';
import { ORDERS_SDL, RETURNS_SDL } from './testing/fixtures';

function composed(subgraphs: SubgraphSource[]) {
  const result = compose(subgraphs, subgraphs[0]?.name ?? '');
  if (!result.ok) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result;
}

const orders = { name: 'orders', url: 'http://orders/graphql', sdl: ORDERS_SDL };
const returns = { name: 'returns', url: 'http://returns/graphql', sdl: RETURNS_SDL };

describe('findApiBreakingChanges', () => {
  it('finds no change between a stored supergraph and the same composition', () => {
    const result = composed([orders, returns]);
    expect(findApiBreakingChanges(apiSchemaOfSupergraph(result.supergraphSdl), apiSchemaOf(result.schema))).toEqual([]);
  });

  it('reports a type that clients can no longer reach when a subgraph leaves the graph', () => {
    const before = apiSchemaOf(composed([orders, returns]).schema);
    const after = apiSchemaOf(composed([orders]).schema);
    const changes = findApiBreakingChanges(before, after);
    expect(changes).toContainEqual({ type: 'TYPE_REMOVED', description: 'Return was removed.' });
    expect(changes).toContainEqual({ type: 'FIELD_REMOVED', description: 'Order.returns was removed.' });
  });

  it('ignores a standard scalar that is no longer referenced, since the field that used it is reported', () => {
    const withInt = ORDERS_SDL.replace('  number: String!\n', '  number: String!\n  "Lines."\n  lineCount: Int\n');
    const before = apiSchemaOf(composed([{ ...orders, sdl: withInt }]).schema);
    const after = apiSchemaOf(composed([orders]).schema);
    expect(findApiBreakingChanges(before, after)).toEqual([{ type: 'FIELD_REMOVED', description: 'Order.lineCount was removed.' }]);
  });

  it('does not count federation-only changes such as a routing url as breaking', () => {
    const before = apiSchemaOf(composed([orders]).schema);
    const after = apiSchemaOf(composed([{ ...orders, url: 'http://elsewhere/graphql' }]).schema);
    expect(findApiBreakingChanges(before, after)).toEqual([]);
  });
});
