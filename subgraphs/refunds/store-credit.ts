import type { StoreCreditAccounts } from '../../connectors/payments/port';
import { authorize } from '../../platform/auth';
import { badUserInput } from '../../platform/graphql/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/graphql/connection';
import { money } from '../../platform/money';
import type { Resolvers } from './generated/graphql';

/** A customer's account as `Query.storeCredit` resolves it; its entries are read when asked for. */
export interface StoreCreditAccountParent {
  customerId: string;
  balances: { currency: string; balanceMinor: number }[];
}

/**
 * `Query.storeCredit` and the account's fields, over the store-credit ledger's read side. The
 * capability table decides who sees which account (`storeCredit`: finance and operations any, a
 * customer only their own); an account the caller may not see answers null, exactly like a
 * customer without store credit, so the field is no oracle of other customers' ids.
 */
export function storeCreditResolvers(accounts: StoreCreditAccounts | undefined): Pick<Resolvers, 'StoreCreditAccount'> & {
  storeCredit: NonNullable<Resolvers['Query']>['storeCredit'];
} {
  return {
    async storeCredit(_, { customerId }, ctx) {
      if (authorize(ctx.principal, 'storeCredit', { customerId }) === 'hidden') return null;
      // Without the ledger (a graph built without it) nobody has store credit.
      const balances = (await accounts?.balances(customerId)) ?? [];
      return balances.length > 0 ? { customerId, balances } : null;
    },
    StoreCreditAccount: {
      customerId: (account) => account.customerId,
      balances: (account) => account.balances.map((balance) => money(balance.balanceMinor, balance.currency)),
      async entries(account, args) {
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
          throw badUserInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${first}.`, 'first');
        if (!accounts) return { edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
        const page = await accounts.entries(account.customerId, { first, after: args.after }).catch((error: unknown) => {
          if (error instanceof RangeError) throw badUserInput(`"${args.after}" is not a cursor this list issued.`, 'after');
          throw error;
        });
        const edges = page.entries.map((entry) => ({
          cursor: entry.cursor,
          node: { id: entry.entryId, kind: entry.kind, amount: money(entry.amountMinor, entry.currency), createdAt: entry.createdAt },
        }));
        return {
          edges,
          pageInfo: {
            hasNextPage: page.hasNextPage,
            hasPreviousPage: Boolean(args.after),
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges[edges.length - 1]?.cursor ?? null,
          },
        };
      },
    },
  };
}
