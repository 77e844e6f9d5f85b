import { Kind, buildSchema, parse, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { MAX_AVAILABILITY_SKUS, MAX_LOCATIONS } from '../../contracts/query-limits';
import { DEFAULT_PAGE_SIZE } from '../../platform/graphql/connection';
import { DEFAULT_LIST_SIZE, measureOperation } from './operation-cost';

const schema = buildSchema(`
  type Query { order(id: ID!): Order, orders(first: Int): OrderConnection!, recent: [Order!]!, node(id: ID!): Node }
  interface Node { id: ID! }
  type Order implements Node { id: ID! number: String! lines: [Line!]! related: Order }
  type Line implements Node { id: ID! sku: String! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! }
  type OrderEdge { cursor: String! node: Order! }
`);

function measureWith(against: GraphQLSchema, source: string, variables: Record<string, unknown> = {}) {
  const document = parse(source);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
  return measureOperation(against, operation, fragments, variables);
}

/** Depth and cost only, for the tests that are not about arguments. */
function measure(source: string, variables: Record<string, unknown> = {}) {
  const { depth, cost } = measureWith(schema, source, variables);
  return { depth, cost };
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

  it('counts a list of scalars as one value per item', () => {
    expect(measureWith(graph, '{ tags }').cost).toBe(DEFAULT_LIST_SIZE);
  });
});

/** The fields of the real graph that cost rules name, enough to price them. */
const graph = buildSchema(`
  type Query {
    availability(skus: [String!]!, locationIds: [ID!]): [StockLevel!]!
    orders(first: Int): OrderConnection!
    returnStatusUpdates(first: Int): [Update!]!
    order(id: ID!): Order
    tags: [String!]!
  }
  type StockLevel { sku: String! onHand: Int! quantities: [Quantity!]! }
  type Quantity { state: String! quantity: Int! }
  type OrderConnection { edges: [OrderEdge!]! }
  type OrderEdge { node: Order! }
  type Order { id: ID! lines: [Line!]! }
  type Line { sku: String! inventoryItem: InventoryItem! }
  type InventoryItem { availability(locationIds: [ID!]): [StockLevel!]! }
  type Update { cursor: String! }
`);

describe('measureOperation with the cost rules', () => {
  const skus = (count: number) => Array.from({ length: count }, (_, i) => `SKU-${i}`);

  it('prices availability as SKUs × locations from the argument sizes', () => {
    const { cost } = measureWith(graph, '{ availability(skus: ["A", "B", "C"], locationIds: ["l1", "l2"]) { sku onHand } }');
    expect(cost).toBe(1 + 3 * 2 * 2);
  });

  it('prices absent locations as every location, up to the declared bound', () => {
    const { cost } = measureWith(graph, 'query($skus: [String!]!) { availability(skus: $skus) { sku } }', { skus: skus(4) });
    expect(cost).toBe(1 + 4 * MAX_LOCATIONS);
  });

  it('counts every alias on its own', () => {
    const one = measureWith(graph, '{ a: availability(skus: ["A"], locationIds: ["l"]) { sku } }').cost;
    const eighteen = measureWith(
      graph,
      `{ ${Array.from({ length: 18 }, (_, i) => `a${i}: availability(skus: ["A"], locationIds: ["l"]) { sku }`).join(' ')} }`,
    ).cost;
    expect(eighteen).toBe(18 * one);
  });

  it('multiplies nested sized lists: lines × locations × stock states', () => {
    const { cost } = measureWith(graph, '{ order(id: "1") { lines { inventoryItem { availability(locationIds: ["a", "b"]) { quantities { state } } } } } }');
    // order 1 + lines (1 + 10 × inventoryItem (1 + availability (1 + 2 × quantities (1 + 7 × 1))))
    expect(cost).toBe(1 + 1 + DEFAULT_LIST_SIZE * (1 + 1 + 2 * (1 + 7)));
  });

  it('prices a connection without first at its default page', () => {
    expect(measureWith(graph, '{ orders { edges { node { id } } } }').cost).toBe(1 + DEFAULT_PAGE_SIZE * (1 + 1 * (1 + 1)));
  });

  it('prices a catch-up list without first at a whole catch-up page', () => {
    expect(measureWith(graph, '{ returnStatusUpdates { cursor } }').cost).toBe(1 + 500);
  });

  it('refuses a list argument over its cap and a page out of range, naming the argument', () => {
    const { refusedArguments } = measureWith(
      graph,
      'query($skus: [String!]!) { availability(skus: $skus, locationIds: ["l"]) { sku } orders(first: -1) { edges { node { id } } } }',
      {
        skus: skus(MAX_AVAILABILITY_SKUS + 1),
      },
    );
    expect(refusedArguments).toEqual([
      { field: 'Query.availability', argument: 'skus', message: `skus takes at most ${MAX_AVAILABILITY_SKUS} items, got ${MAX_AVAILABILITY_SKUS + 1}.` },
      { field: 'Query.orders', argument: 'first', message: 'first must be between 0 and 100, got -1.' },
    ]);
  });

  it('clamps an over-large first where the field clamps it, without refusing', () => {
    const { cost, refusedArguments } = measureWith(graph, '{ returnStatusUpdates(first: 100000) { cursor } }');
    expect(refusedArguments).toEqual([]);
    expect(cost).toBe(1 + 500);
  });
});
