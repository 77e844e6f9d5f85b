/**
 * NetSuite as the ERP, over SuiteTalk REST web services (record API v1 and SuiteQL): credit memos
 * through NetSuite's return flow where it can (sales order → return authorization → credit memo),
 * stock receipts from the return authorization, stock leaving as inventory adjustments. Every
 * posting carries our id as its external id, so a retry after a crash or a lost answer books nothing
 * twice. Errors: `ErpUnavailableError` (retry later: 429, governance, 5xx, timeouts, credentials
 * refused after a renewal) or `ErpRefusedError` (NetSuite's code: a record it cannot find, a
 * validation error). See the README's NetSuite section for the integration role and the settings.
 */
import type { ErpConnector, ErpCreditMemo, ErpCreditMemoPosting, ErpCreditMemoRecord, ErpStockMovement, RecordWindow } from '../port';
import { netSuiteAuth } from './netsuite-auth';
import { NetSuiteClient } from './netsuite-client';
import { NetSuiteCreditMemos } from './netsuite-credit-memos';
import { NetSuiteLookups } from './netsuite-lookups';
import { DEFAULT_TIMEOUT_MS, assertValidNetSuiteOptions, defaultApiBase, type NetSuiteErpOptions } from './netsuite-options';
import { listNetSuiteCreditMemos } from './netsuite-reconciliation';
import { NetSuiteStock } from './netsuite-stock';

export type { NetSuiteErpOptions } from './netsuite-options';

/** The NetSuite ERP connector. Share one per account within a process (the OAuth 2.0 token is cached per instance). */
export class NetSuiteErp implements ErpConnector {
  private readonly client: NetSuiteClient;
  private readonly memos: NetSuiteCreditMemos;
  private readonly stock: NetSuiteStock;

  /** Throws an Error naming every invalid option. */
  constructor(options: NetSuiteErpOptions) {
    assertValidNetSuiteOptions(options);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const base = options.apiBase ?? defaultApiBase(options.accountId);
    this.client = new NetSuiteClient(base, netSuiteAuth(options.auth, options.accountId, options.apiBase, timeoutMs, options.now), timeoutMs);
    const lookups = new NetSuiteLookups(this.client, options);
    this.memos = new NetSuiteCreditMemos(this.client, lookups, options);
    this.stock = new NetSuiteStock(this.client, lookups, options);
  }

  postStockMovements(movements: readonly ErpStockMovement[]): Promise<number> {
    return this.stock.post(movements);
  }

  postCreditMemo(memo: ErpCreditMemo): Promise<ErpCreditMemoPosting> {
    return this.memos.post(memo);
  }

  listCreditMemos(window: RecordWindow): Promise<ErpCreditMemoRecord[]> {
    return listNetSuiteCreditMemos(this.client, window);
  }
}
