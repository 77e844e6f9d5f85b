import { Kind, OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import type { Lane } from './admission';

/**
 * Distinct operation texts whose lane is remembered. Clients send a few hundred distinct documents
 * at most; past this the memory is cleared (it is only a cache), so hostile unique texts cannot grow it.
 */
const LANE_CACHE_SIZE = 1_000;
/** Longest text parsed to find the lane; a longer one is taken as a read (Apollo refuses what it cannot run). */
const MAX_CLASSIFIED_LENGTH = 100_000;

const lanes = new Map<string, Lane>();

/**
 * The admission lane of a GraphQL-over-HTTP body: `write` when the operation to run is a mutation,
 * `read` otherwise (queries, and anything malformed: Apollo refuses that without calling a
 * subgraph). The lane is remembered per document text, so a client's repeated operation costs one
 * map lookup; a document that mixes mutations with queries is parsed each time to pick by name.
 */
export function operationLane(body: unknown): Lane {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'read';
  const { query, operationName } = body as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string' || query.length > MAX_CLASSIFIED_LENGTH) return 'read';
  const known = lanes.get(query);
  if (known) return known;
  const operations = operationsOf(query);
  const mutations = operations.filter((operation) => operation.operation === OperationTypeNode.MUTATION).length;
  if (mutations === 0 || mutations === operations.length) {
    const lane: Lane = mutations === 0 ? 'read' : 'write';
    if (lanes.size >= LANE_CACHE_SIZE) lanes.clear();
    lanes.set(query, lane);
    return lane;
  }
  const chosen = operations.find((operation) => operation.name?.value === operationName);
  return chosen?.operation === OperationTypeNode.MUTATION ? 'write' : 'read';
}

/** The operations of a document; none when it does not parse. */
function operationsOf(query: string): OperationDefinitionNode[] {
  try {
    return parse(query, { noLocation: true }).definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return [];
  }
}
