import { ROLES, decide, mayPerform, operationOf, type Decision, type Principal, type Role } from '../platform/auth';
import { newId } from '../platform/ids';
import { startTestGraph, type TestGraph } from './support/graph';
import { upsertLocations } from '../subgraphs/inventory/locations';
import { DEMO_LOCATIONS } from '../demo/catalog';
import type { GraphQLResponse } from './support/subgraph-client';
import { inPool, ownWorld, principalFor, type Owner } from './support/authz-fixtures';
import { OPERATION_SPECS, type FixtureSource, type OperationSpec, type Prepared } from './support/authz-operations';

/**
 * The capability table as a matrix through the gateway: every mutation and every query with an id
 * argument × every role × the caller's own data and someone else's. The table decides what must
 * happen: allowed → it works; refused → FORBIDDEN; another tenant's id → exactly what an unknown
 * id answers. All cases share one graph and one set of fixtures (fresh only where a case will
 * change them) and run in parallel.
 */
let t: TestGraph;

/** Requests in flight at once: enough to overlap waits, few enough for a shared two-core machine. */
const PARALLEL_REQUESTS = 12;
/** Building fixtures and running ~500 cases, on a loaded machine. */
const MATRIX_TIMEOUT_MS = 600_000;

type Scope = 'own' | 'foreign';

interface Case {
  spec: OperationSpec;
  role: Role;
  scope: Scope;
}

interface Outcome {
  decision: Decision;
  /** The role may perform the operation somewhere (a filter's refusal is then rows not being there). */
  granted: boolean;
  prepared: Prepared;
  response: GraphQLResponse;
  /** The same request with an unknown id in place of the foreign one (hidden and filtered cases). */
  unknownResponse?: GraphQLResponse;
  unknownId?: string;
}

const CASES: Case[] = OPERATION_SPECS.flatMap((spec) => ROLES.flatMap((role) => (['own', 'foreign'] as const).map((scope) => ({ spec, role, scope }))));
const outcomes = new Map<Case, Outcome>();

/** Fixtures shared by every case that changes nothing; a case expected to succeed gets its own. */
function fixtureSource(): FixtureSource {
  const shared = new Map<string, Promise<unknown>>();
  return <T>(key: string, fresh: boolean, build: () => Promise<T>): Promise<T> => {
    if (fresh) return build();
    if (!shared.has(key)) shared.set(key, build());
    return shared.get(key) as Promise<T>;
  };
}

const NO_OWNER: Owner = { customerId: 'cus_m_nobody', partnerId: null, locationId: 'loc_wh_nj' };

/** An id of the same kind as `id` that names nothing. */
function unknownLike(id: string): string {
  const kind = id.split('_')[0] ?? '';
  if (['ord', 'ret', 'rfd'].includes(kind)) return newId(kind as 'ord');
  if (kind === 'cus') return `cus_m_unknown_${Date.now()}`;
  return `R9${String(Date.now()).slice(-8)}`;
}

const send = (principal: Principal, spec: OperationSpec, variables: Record<string, unknown>) => t.query(principal, spec.document, variables);

async function run(item: Case, fixtures: FixtureSource): Promise<void> {
  const { spec, role, scope } = item;
  const world = scope === 'own' ? ownWorld(role) : 'foreign';
  let prepared = await spec.prepare(t, world, role, fixtures, false);
  let principal = principalFor(role, prepared.owner ?? NO_OWNER, scope === 'own');
  const decision = decide(principal, spec.operation, prepared.target);
  // A mutation that will succeed changes its fixture: give it one of its own.
  if (decision === 'allow' && spec.document.startsWith('mutation')) {
    prepared = await spec.prepare(t, world, role, fixtures, true);
    principal = principalFor(role, prepared.owner ?? NO_OWNER, scope === 'own');
  }
  const granted = mayPerform(principal, spec.operation);
  const response = await send(principal, spec, prepared.variables);
  const outcome: Outcome = { decision, granted, prepared, response };
  const comparesWithUnknown = decision === 'hidden' || (spec.rows !== undefined && decision === 'forbidden' && granted);
  if (comparesWithUnknown && prepared.foreignId) {
    const unknownId = unknownLike(prepared.foreignId);
    const variables = JSON.parse(JSON.stringify(prepared.variables).split(prepared.foreignId).join(unknownId)) as Record<string, unknown>;
    outcome.unknownId = unknownId;
    outcome.unknownResponse = await send(principal, spec, { ...variables, ...(variables.key ? { key: `${String(variables.key)}-unknown` } : {}) });
  }
  outcomes.set(item, outcome);
}

beforeAll(async () => {
  t = await startTestGraph({ seed: false });
  // The demo retailer's locations without its 1,000 orders: stock changes need known locations.
  await upsertLocations(t.database.db, DEMO_LOCATIONS);
  const fixtures = fixtureSource();
  await inPool(
    CASES.map((item) => () => run(item, fixtures)),
    PARALLEL_REQUESTS,
  );
}, MATRIX_TIMEOUT_MS);

afterAll(async () => {
  await t?.close();
});

/** A response with an id replaced by a placeholder, so two ids that answer alike compare equal. */
const without = (response: GraphQLResponse | undefined, id: string | undefined) =>
  id === undefined ? response : (JSON.parse(JSON.stringify(response).split(id).join('<id>')) as unknown);

function expectWorks(spec: OperationSpec, outcome: Outcome): void {
  expect(outcome.response.errors).toBeUndefined();
  const data = outcome.response.data as Record<string, unknown>;
  if (spec.rows) {
    expect(spec.rows(data).length).toBeGreaterThan(0);
    return;
  }
  const value = data[spec.field] as { userErrors?: { code: string }[] } | null;
  expect(value).not.toBeNull();
  const codes = (value?.userErrors ?? []).map((error) => error.code);
  expect(codes.filter((code) => !(spec.acceptedUserErrors ?? []).includes(code))).toEqual([]);
}

function expectForbidden(spec: OperationSpec, outcome: Outcome): void {
  expect(outcome.response.errors?.map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  expect((outcome.response.data as Record<string, unknown> | null)?.[spec.field] ?? null).toBeNull();
}

function expectLikeUnknown(outcome: Outcome): void {
  expect(outcome.prepared.foreignId).toBeDefined();
  expect(outcome.response.errors?.[0]?.extensions?.code).not.toBe('FORBIDDEN');
  expect(without(outcome.response, outcome.prepared.foreignId)).toEqual(without(outcome.unknownResponse, outcome.unknownId));
}

describe.each(OPERATION_SPECS.map((spec) => [spec.field, spec] as const))('%s', (_field, spec) => {
  const cases = CASES.filter((item) => item.spec === spec).map((item) => [item.role, item.scope, item] as const);
  it.each(cases)('answers %s on %s data as the capability table says', (_role, _scope, item) => {
    const outcome = outcomes.get(item);
    if (!outcome) throw new Error('the case did not run');
    if (outcome.decision === 'allow') expectWorks(spec, outcome);
    else if (outcome.decision === 'hidden' || (spec.rows && outcome.granted)) expectLikeUnknown(outcome);
    else expectForbidden(spec, outcome);
  });
});

describe('coverage', () => {
  it("builds every 'own' case inside the caller's own scope, so 'own' never degrades into 'foreign'", () => {
    const hiddenOwn = CASES.filter((item) => item.scope === 'own' && outcomes.get(item)?.decision === 'hidden');
    expect(hiddenOwn.map((item) => `${item.role} ${item.spec.field}`)).toEqual([]);
  });

  const ROOT_FIELDS = `{ __schema { queryType { fields { name args { type { name ofType { name ofType { name ofType { name } } } } } } }
    mutationType { fields { name } } } }`;
  type Field = { name: string; args?: { type: unknown }[] };
  type Schema = { __schema: { queryType: { fields: Field[] }; mutationType: { fields: Field[] } } };
  const namesId = (type: unknown): boolean => {
    const node = type as { name?: string | null; ofType?: unknown } | null;
    return Boolean(node) && (node?.name === 'ID' || namesId(node?.ofType));
  };

  it('has a row of the capability table for every root field of the supergraph', async () => {
    const response = await t.query<Schema>(principalFor('operations_admin', NO_OWNER, false), ROOT_FIELDS);
    const fields = [...(response.data?.__schema.queryType.fields ?? []), ...(response.data?.__schema.mutationType.fields ?? [])];
    expect(fields.length).toBeGreaterThan(30);
    expect(fields.filter((field) => operationOf(field.name) === null).map((field) => field.name)).toEqual([]);
  });

  it('runs every mutation and every query with an id argument through the matrix', async () => {
    const response = await t.query<Schema>(principalFor('operations_admin', NO_OWNER, false), ROOT_FIELDS);
    const schema = response.data?.__schema;
    const mustRun = [
      ...(schema?.mutationType.fields ?? []),
      ...(schema?.queryType.fields ?? []).filter((field) => field.args?.some((arg) => namesId(arg.type))),
    ].map((field) => field.name);
    const covered = new Set(OPERATION_SPECS.map((spec) => spec.field));
    expect(mustRun.filter((name) => !covered.has(name))).toEqual([]);
  });
});
