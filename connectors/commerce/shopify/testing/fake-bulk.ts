/**
 * Bulk exports as Shopify writes them: the query runs over everything (connections unpaged), and
 * each node of a connection becomes one JSON line; nodes of a nested connection follow their
 * parent with `__parentId` set to the parent's id, while plain lists and objects stay inline.
 */
import { execute, parse, validate, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { FakeContext } from './fake-connections';
import type { BulkOperationRecord } from './fake-records';
import type { FakeShopifyStore } from './fake-store';

type Json = Record<string, unknown>;

function isConnection(value: unknown): value is { edges: { node: Json }[] } {
  return !!value && typeof value === 'object' && Array.isArray((value as { edges?: unknown }).edges);
}

/** Appends `node` (without its nested connections) and then its children, to `out`. */
function flatten(node: Json, parentId: string | null, out: Json[]): void {
  const own: Json = {};
  const children: Json[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (isConnection(value)) children.push(...value.edges.map((edge) => edge.node));
    else own[key] = value;
  }
  out.push(parentId ? { ...own, __parentId: parentId } : own);
  for (const child of children) flatten(child, typeof node.id === 'string' ? node.id : null, out);
}

/** Runs `query` as a bulk export; the operation, or Shopify's userErrors for a query it cannot run. */
export async function startBulk(
  schema: GraphQLSchema,
  store: FakeShopifyStore,
  rootValue: unknown,
  fieldResolver: GraphQLFieldResolver<Record<string, unknown>, FakeContext>,
  query: string,
  baseUrl: () => string,
): Promise<{ bulkOperation: BulkOperationRecord | null; userErrors: { code: string; field: string[]; message: string }[] }> {
  let document;
  try {
    document = parse(query);
  } catch (error) {
    return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: `Invalid bulk query: ${(error as Error).message}` }] };
  }
  const problems = validate(schema, document);
  if (problems.length > 0)
    return { bulkOperation: null, userErrors: [{ code: 'INVALID', field: ['query'], message: problems.map((p) => p.message).join('; ') }] };
  if (store.bulkOperations.some((op) => op.status === 'RUNNING' || op.status === 'CREATED')) {
    return {
      bulkOperation: null,
      userErrors: [{ code: 'OPERATION_IN_PROGRESS', field: ['query'], message: 'A bulk query operation for this app and shop is already in progress.' }],
    };
  }
  const result = await execute({ schema, document, rootValue, contextValue: { bulk: true } satisfies FakeContext, fieldResolver });
  if (result.errors?.length) throw new Error(`fake bulk export failed: ${result.errors.map((e) => e.message).join('; ')}`);
  const lines: Json[] = [];
  for (const value of Object.values(result.data ?? {})) {
    if (isConnection(value)) for (const edge of value.edges) flatten(edge.node, null, lines);
  }
  const id = store.gid('BulkOperation');
  const operation: BulkOperationRecord = store.register({
    __typename: 'BulkOperation',
    id,
    status: 'RUNNING',
    type: 'QUERY',
    errorCode: null,
    objectCount: String(lines.length),
    createdAt: store.stamp(),
    completedAt: null,
    url: lines.length === 0 ? null : `${baseUrl()}/bulk/${id.split('/').pop()}.jsonl`,
    partialDataUrl: null,
    query,
    pollsLeft: 1,
    jsonl: lines.map((line) => JSON.stringify(line)).join('\n') + (lines.length ? '\n' : ''),
  });
  store.bulkOperations.push(operation);
  return { bulkOperation: operation, userErrors: [] };
}

/** Advances a running operation on each status read: it completes after `pollsLeft` reads. */
export function pollBulk(operation: BulkOperationRecord, stamp: () => string): void {
  if (operation.status !== 'RUNNING') return;
  if (operation.pollsLeft > 0) {
    operation.pollsLeft -= 1;
    return;
  }
  operation.status = 'COMPLETED';
  operation.completedAt = stamp();
}
