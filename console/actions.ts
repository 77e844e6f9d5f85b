import { gql, idempotencyKey } from './api';

/** A type reference as introspection answers it. */
interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
}
interface MutationShape {
  name: string;
  args: InputValue[];
  type: TypeRef;
}

const TYPE_REF = `kind name ofType { kind name ofType { kind name ofType { kind name } } }`;
const MUTATION_SHAPE = `query MutationShape($input: String!, $payload: String!) {
  __schema { mutationType { fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } } }
  input: __type(name: $input) { inputFields { name type { ${TYPE_REF} } } }
  payload: __type(name: $payload) { fields { name } }
}`;

const named = (type: TypeRef | null): TypeRef | null => (type && type.ofType ? named(type.ofType) : type);
const isList = (type: TypeRef): boolean => type.kind === 'LIST' || (type.kind === 'NON_NULL' && type.ofType?.kind === 'LIST');

/** What an action did: the mutation's user errors (empty when it was done). */
export interface ActionResult {
  userErrors: { code: string; message: string }[];
}

/** How to call one mutation: its input type, where the target id goes, and what it answers with. */
interface CallShape {
  inputType: string;
  input: Record<string, unknown>;
  hasKey: boolean;
  hasUserErrors: boolean;
}

/** The input with the target id in its ID field: a required one first, else the only one (a list gets a list). */
function targetInput(mutation: string, fields: InputValue[], targetId: string): Record<string, unknown> {
  const idFields = fields.filter((inputField) => named(inputField.type)?.name === 'ID');
  const target = idFields.find((inputField) => inputField.type.kind === 'NON_NULL') ?? idFields[0];
  if (!target) throw new Error(`${mutation}'s input has no ID field for the target`);
  return { [target.name]: isList(target.type) ? [targetId] : targetId };
}

/** Reads `mutation`'s arguments, its input's ID field and its payload's fields from the schema. */
async function callShape(token: string, mutation: string, targetId: string): Promise<CallShape> {
  const probe = await gql<{ __schema: { mutationType: { fields: MutationShape[] } | null } }>(token, MUTATION_SHAPE, { input: '', payload: '' });
  const field = probe.__schema.mutationType?.fields.find((candidate) => candidate.name === mutation);
  if (!field) throw new Error(`This gateway has no mutation ${mutation}`);
  const inputType = named(field.args.find((arg) => arg.name === 'input')?.type ?? null)?.name;
  const payloadType = named(field.type)?.name;
  if (!inputType || !payloadType) throw new Error(`${mutation} takes no input the console knows how to fill`);
  const shape = await gql<{ input: { inputFields: InputValue[] } | null; payload: { fields: { name: string }[] } | null }>(token, MUTATION_SHAPE, {
    input: inputType,
    payload: payloadType,
  });
  return {
    inputType,
    input: targetInput(mutation, shape.input?.inputFields ?? [], targetId),
    hasKey: field.args.some((arg) => arg.name === 'idempotencyKey'),
    hasUserErrors: (shape.payload?.fields ?? []).some((payloadField) => payloadField.name === 'userErrors'),
  };
}

/**
 * Performs an exception's action: calls the root mutation it names (`action.mutation`) with its
 * target id. The mutation's input is read from the schema, so the console needs no code per action:
 * the target goes into the input's ID field (`refundId`, `mismatchId`, or a list such as `ids`), and a
 * fresh idempotency key goes with it when the mutation takes one. Throws when the schema has no such
 * mutation or its input has no single place for the id.
 */
export async function performAction(token: string, mutation: string, targetId: string): Promise<ActionResult> {
  const shape = await callShape(token, mutation, targetId);
  const document = `mutation Act($input: ${shape.inputType}!${shape.hasKey ? ', $key: String!' : ''}) {
    result: ${mutation}(input: $input${shape.hasKey ? ', idempotencyKey: $key' : ''}) { __typename ${shape.hasUserErrors ? 'userErrors { code message }' : ''} }
  }`;
  const data = await gql<{ result: { userErrors?: ActionResult['userErrors'] } }>(token, document, { input: shape.input, key: idempotencyKey() });
  return { userErrors: data.result.userErrors ?? [] };
}
