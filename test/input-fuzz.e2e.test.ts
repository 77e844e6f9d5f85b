import { buildClientSchema, getIntrospectionQuery, type GraphQLField, type IntrospectionQuery } from 'graphql';
import type { Principal } from '../platform/auth';
import { DEMO_LOCATIONS } from '../demo/catalog';
import { upsertLocations } from '../subgraphs/inventory/locations';
import { startTestGraph, type TestGraph } from './support/graph';
import { settledFootprint } from './support/footprint';
import { casesFor, catalogueSize, defaultArguments, hostileValuesFor, markedArguments, OVER_LIMIT_TEXT, type FuzzCase } from './support/fuzz-kit';
import { readLimits } from '../platform/graphql/input-limits';
import type { GraphQLResponse } from './support/subgraph-client';
import { Agent } from 'undici';

/**
 * Issue 10 item 7: every argument of every root Query and Mutation field (and every field of their
 * input objects, recursively), found by introspecting the composed gateway schema, is sent each
 * hostile value of its type with valid defaults elsewhere, by a caller holding every staff role
 * (the megabyte string once per kind of position; every argument gets one longer than any limit:
 * see `casesFor`). Answers are only BAD_USER_INPUT, userErrors, null or FORBIDDEN (or QUERY_TOO_COMPLEX,
 * UNAUTHENTICATED); never INTERNAL_SERVER_ERROR; every process stays ready; nothing is written.
 */

jest.setTimeout(240_000);

/** Every staff role at once, so authorization lets the hostile value through to every field. */
const STAFF: Principal = {
  subject: 'user:fuzz-staff',
  roles: ['operations_admin', 'finance', 'service_desk', 'service', 'store_manager', 'store_associate'],
  storeIds: ['loc_store_nyc'],
};
/** Codes a refusal may carry. */
const ALLOWED_CODES = new Set(['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'QUERY_TOO_COMPLEX']);
/** Cases in flight at once: enough to finish in well under a minute, few enough for a shared 2-core machine. */
const CONCURRENCY = 4;
/** Marks the input that takes an idempotency key before the fuzz; no case sends it. */
const PREREGISTERED = 'fuzz preregistered';

let t: TestGraph;
/** Keep-alive connections to the gateway, one per case in flight. */
const client = new Agent({ connections: CONCURRENCY });
let token: string;

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  await upsertLocations(t.database.db, DEMO_LOCATIONS);
  token = await t.tokenFor(STAFF);
});

afterAll(async () => {
  await client.close();
  await t?.close();
});

/** A gateway answer as the checks read it (no headers: no check looks at them). */
type Answer = Omit<GraphQLResponse, 'headers'>;

/**
 * POSTs through undici's dispatcher rather than WHATWG `fetch`, as the gateway does to reach its
 * subgraphs (gateway/fetcher.ts): `fetch`'s Request/Response objects and web streams cost more
 * CPU per case than the gateway's own refusal, on the machine the graph shares with the test.
 */
async function send(query: string, variables: Record<string, unknown>): Promise<Answer> {
  const url = new URL(t.url);
  const response = await client.request({
    origin: url.origin,
    path: url.pathname,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.body.text();
  try {
    return { status: response.statusCode, ...(JSON.parse(text) as Omit<Answer, 'status'>) };
  } catch {
    return { status: response.statusCode, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/** Why an answer is not one of the allowed refusals, or undefined when it is. */
function problemWith(fuzz: FuzzCase, response: Answer): string | undefined {
  if (response.status >= 500) return `HTTP ${response.status}`;
  const codes = (response.errors ?? []).map((error) => String(error.extensions?.code));
  const bad = codes.filter((code) => !ALLOWED_CODES.has(code));
  if (bad.length > 0) return `codes ${bad.join(', ')}: ${response.errors?.[0]?.message.slice(0, 200)}`;
  if (fuzz.operation !== 'mutation') return undefined;
  const payload = (response.data as Record<string, { userErrors?: unknown[] } | null> | null | undefined)?.[fuzz.field];
  if (payload && (!payload.userErrors || payload.userErrors.length === 0)) return 'the mutation accepted it';
  return undefined;
}

/**
 * A mutation whose defaults alone are accepted (the dead-letter replays: replaying nothing is
 * legitimate) would write on every case. Its keys are taken first by a marked input, so each case
 * is refused as IDEMPOTENCY_KEY_PARAMETER_MISMATCH instead: returns the key its cases must use.
 */
async function takeKeys(field: GraphQLField<unknown, unknown>, document: string): Promise<string | undefined> {
  const key = `fuzz-pre-${field.name}`;
  const marked = markedArguments(field, PREREGISTERED);
  if (!marked) return undefined;
  const probe = await send(document, { ...marked, idempotencyKey: key });
  const payload = (probe.data as Record<string, { userErrors?: unknown[] } | null> | undefined)?.[field.name];
  if (!payload || (payload.userErrors?.length ?? 0) > 0) return undefined;
  const keyArg = field.args.find((arg) => arg.name === 'idempotencyKey');
  for (const [, value] of keyArg ? hostileValuesFor(keyArg.type) : []) {
    if (typeof value === 'string') await send(document, { ...marked, idempotencyKey: value });
  }
  return key;
}

it('answers every hostile value of every argument with a refusal, stays ready and writes nothing', async () => {
  const introspection = await send(getIntrospectionQuery(), {});
  expect(introspection.errors).toBeUndefined();
  const schema = buildClientSchema(introspection.data as unknown as IntrospectionQuery);

  // Every argument's length check is proven with OVER_LIMIT_TEXT, so it must be longer than any declared limit.
  const declaredMaxLengths = t.graph.subgraphs.flatMap((subgraph) => [...readLimits(subgraph.sdl).values()].map((limit) => limit.maxLength ?? 0));
  expect(Math.max(...declaredMaxLengths)).toBeLessThan(OVER_LIMIT_TEXT.length);

  const cases: FuzzCase[] = [];
  const sampled = new Set<string>();
  for (const [operation, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      const fieldCases = casesFor(operation, field, (n) => `fuzz-${field.name}-${n}`, sampled);
      // Valid defaults once first, so state a field creates lazily on first use (the returns
      // policy's first version) exists before the footprint and is not mistaken for a write.
      if (fieldCases[0]) await send(fieldCases[0].document, { ...defaultArguments(field), idempotencyKey: `fuzz-warm-${field.name}` });
      const sharedKey = operation === 'mutation' && fieldCases[0] ? await takeKeys(field, fieldCases[0].document) : undefined;
      if (sharedKey) for (const c of fieldCases) if (!c.path.startsWith('idempotencyKey')) c.variables.idempotencyKey = sharedKey;
      cases.push(...fieldCases);
    }
  }

  const before = await settledFootprint(t.database.db);
  const started = Date.now();
  const problems: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < cases.length) {
        const fuzz = cases[next++] as FuzzCase;
        const problem = problemWith(fuzz, await send(fuzz.document, fuzz.variables));
        if (problem) problems.push(`${fuzz.field}(${fuzz.path} = ${fuzz.valueName}): ${problem}`);
      }
    }),
  );
  const elapsed = Date.now() - started;

  const rootFields = new Set(cases.map((c) => c.field)).size;
  const argumentPaths = new Set(cases.map((c) => `${c.field}.${c.path}`)).size;
  console.info(
    `input fuzz: catalogue of ${catalogueSize()} hostile values; ${cases.length} argument × value cases over ${argumentPaths} arguments and input fields of ${rootFields} root fields in ${elapsed} ms`,
  );

  expect(problems).toEqual([]);
  for (const url of [t.graph.gateway.url, ...t.graph.subgraphs.map((subgraph) => subgraph.url)]) {
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }
  expect(await settledFootprint(t.database.db)).toEqual(before);
});
