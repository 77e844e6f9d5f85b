import { GraphQLError } from 'graphql';
import { guardRootFields } from './guard-root-fields';
import type { Principal } from './principal';

const finance: Principal = { subject: 'f', roles: ['finance'], storeIds: [] };
const customer: Principal = { subject: 'c', roles: ['customer'], customerId: 'cus_1', storeIds: [] };

describe('guardRootFields', () => {
  const resolvers = guardRootFields({ Query: { reconciliation: () => 'rows' }, Refund: { amount: () => 1 } });
  const reconciliation = (resolvers.Query as Record<string, (...args: unknown[]) => unknown>).reconciliation as (...args: unknown[]) => unknown;

  it('runs a root resolver for a role the capability table grants', () => {
    expect(reconciliation(null, {}, { principal: finance }, null)).toBe('rows');
  });

  it('refuses a role the table does not grant with FORBIDDEN before the resolver runs', () => {
    expect(() => reconciliation(null, {}, { principal: customer }, null)).toThrow(GraphQLError);
  });

  it('leaves fields of other types alone', () => {
    expect((resolvers.Refund as Record<string, () => unknown>).amount?.()).toBe(1);
  });

  it('refuses to serve a root field the table does not know', () => {
    expect(() => guardRootFields({ Mutation: { dropEverything: () => true } })).toThrow(/Mutation.dropEverything has no row in the capability table/);
  });
});
