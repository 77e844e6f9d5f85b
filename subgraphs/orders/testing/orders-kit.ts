import type { Db, IsolationLevel, Queryable, QueryResult, Row } from '../../../platform/db';
import { startSubgraph, type RunningSubgraph } from '../../../platform/subgraph';
import { testInternalTokens } from '../../../test/support/subgraph-client';
import { ordersSubgraph } from '../index';

/**
 * Test helpers of the orders subgraph (not a test file itself): a Db that records the SQL it
 * runs, and starting the subgraph on a random port.
 */

/** A Db that forwards to another and remembers the text of every statement, to count queries. */
export class RecordingDb implements Db {
  /** SQL text of every statement since the last `reset()`, in order. */
  readonly statements: string[] = [];
  constructor(private readonly inner: Db) {}

  get kind(): Db['kind'] {
    return this.inner.kind;
  }

  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    this.statements.push(sql);
    return this.inner.query<R>(sql, params);
  }

  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: { isolation?: IsolationLevel }): Promise<T> {
    return this.inner.transaction((tx) => fn({ query: (sql, params) => (this.statements.push(sql), tx.query(sql, params)) }), options);
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Forgets the statements recorded so far. */
  reset(): void {
    this.statements.length = 0;
  }

  /** How many recorded statements read `table` (e.g. `orders.order_lines`). */
  countReading(table: string): number {
    return this.statements.filter((sql) => new RegExp(`FROM ${table.replace('.', '\\.')}\\b`).test(sql)).length;
  }
}

/** Starts the orders subgraph on a random port over `db` (no commerce connectors, no event pipeline). */
export function startOrdersSubgraph(db: Db): Promise<RunningSubgraph> {
  return startSubgraph(ordersSubgraph({ db }), { db, internalTokens: testInternalTokens, port: 0 });
}

/** The order fields most tests read. */
export const ORDER_FIELDS = `
  id number externalId source channel storeId marketplacePartnerId placedAt deliveredAt currencyCode
  customer { id email name }
  lines { id lineNumber sku title category quantity finalSale unitPrice { amount currencyCode } allocatedDiscount { amount } tax { amount } total { amount } }
  shipping { method amount { amount } tax { amount } }
  payments { id provider providerReference method capturedAmount { amount currencyCode } capturedAt }
  totals { subtotal { amount } discountTotal { amount } taxTotal { amount } shippingTotal { amount } total { amount currencyCode } capturedTotal { amount } }
`;
