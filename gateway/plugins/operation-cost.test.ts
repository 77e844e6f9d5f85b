import { Kind, buildSchema, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_LIST_SIZE, measureOperation } from './operation-cost';

const schema = buildSchema(`
  type Query { order(id: ID!): Order, orders(first: Int): OrderConnection!, recent: [Order!]!, node(id: ID!): Node }
  interface Node { id: ID! }
  type Order implements Node { id: ID! number: String! lines: [Line!]! related: Order }
  type Line implements Node { id: ID! sku: String! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! }
  type OrderEdge { cursor: String! node: Order! }
`);

function measure(source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return measureOperation(schema, operation, fragments, variables);
}

describe('measureOperation', () => {
  it('counts each field once and the longest chain of nested fields as depth', () => {
    expect(measure('{ order(id: "1") { id number related { id } } }')).toEqual({ depth: 3, cost: 5 });
  });

  it('multiplies an unsized list by the default list size', () => {
    expect(measure('{ recent { id number } }')).toEqual({ depth: 2, cost: 1 + DEFAULT_LIST_SIZE * 2 });
  });

  it('multiplies a connection by its first argument and does not count its edges again', () => {
    expect(measure('{ orders(first: 50) { edges { node { id } } } }')).toEqual({ depth: 4, cost: 1 + 50 * (1 + 1 * (1 + 1)) });
  });

  it('reads list sizes from variables', () => {
    expect(measure('query Q($n: Int) { orders(first: $n) { nodes { id } } }', { n: 7 }).cost).toBe(1 + 7 * 2);
  });

  it('multiplies nested lists', () => {
    expect(measure('{ recent { lines { sku } } }').cost).toBe(1 + DEFAULT_LIST_SIZE * (1 + DEFAULT_LIST_SIZE * 1));
  });

  it('follows named and inline fragments, on abstract types too', () => {
    const viaFragments = measure(`{ node(id: "1") { ... on Order { related { ...R } } } }
      fragment R on Order { related { related { id } } }`);
    expect(viaFragments.depth).toBe(5);
    expect(viaFragments).toEqual(measure('{ node(id: "1") { ... on Order { related { related { related { id } } } } } }'));
  });

  it('lets introspection through at no cost', () => {
    const introspection = measure(`{ __schema { types { name fields { name type { ofType { ofType { ofType { ofType { name } } } } } } } } }`);
    expect(introspection).toEqual({ depth: 0, cost: 0 });
    expect(measure('{ __typename order(id: "1") { __typename id } }')).toEqual({ depth: 2, cost: 2 });
  });

  it('does not loop on a cyclic fragment that validation would have refused', () => {
    expect(() => measure('{ order(id: "1") { ...A } } fragment A on Order { related { ...A } }')).not.toThrow();
  });
});
