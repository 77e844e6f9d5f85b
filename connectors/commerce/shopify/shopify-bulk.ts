/**
 * The bulk path for a first import (backfill): one `bulkOperationRunQuery` exports every order of
 * the store to a JSONL file Shopify writes in the background, costing a few points instead of ~100
 * per order through paging. Use it once, when connecting a store with history (orders older than
 * 60 days need the `read_all_orders` scope); keep `changedOrders` for everything after, starting
 * from `orderCursorSince(<when the bulk operation started>)`, so changes during the export are read.
 *
 * Shopify runs one bulk query per app and store at a time; a second start is refused with
 * `OPERATION_IN_PROGRESS` (thrown as `ShopifyUserErrorsError`).
 */
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { NewOrder } from '../../../contracts/orders';
import type { ShopifyClient } from './shopify-client';
import { ShopifyApiError, ShopifyUnavailableError, UnmappableShopifyOrderError } from './shopify-errors';
import { mapShopifyOrder, type OrderMappingOptions } from './shopify-order-mapping';
import { BULK_ORDERS_QUERY, BULK_RUN_MUTATION, BULK_STATUS_QUERY } from './shopify-queries';
import type { ShopifyLineItem, ShopifyOrder, ShopifyShippingLine } from './shopify-types';

/** How often to ask whether the export is done: Shopify suggests polling no more than every few seconds. */
export const BULK_POLL_INTERVAL_MS = 2_000;

/** Orders per yielded batch: what one ingestion transaction of the orders subgraph takes comfortably. */
export const BULK_BATCH_SIZE = 250;

/** Statuses after which the export will not complete. */
const BULK_FAILED: ReadonlySet<string> = new Set(['FAILED', 'CANCELED', 'EXPIRED']);

interface BulkOperation {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  url: string | null;
}

/** Options of `bulkOrders`. */
export interface BulkOrdersOptions extends OrderMappingOptions {
  /**
   * Called for an order the graph cannot hold (e.g. only gift cards, no SKU); the export goes on.
   * Default: throw it, stopping the backfill.
   */
  onUnmappable?: (error: UnmappableShopifyOrderError) => void;
  /** Poll interval in ms. Default `BULK_POLL_INTERVAL_MS`. */
  pollIntervalMs?: number;
}

/** Starts the export and waits until Shopify has written the file; its URL, or null when the store has no orders. */
async function runExport(client: ShopifyClient, pollIntervalMs: number): Promise<string | null> {
  const started = await client.mutate<{ bulkOperation: { id: string } | null }>('bulkOperationRunQuery', BULK_RUN_MUTATION, { query: BULK_ORDERS_QUERY });
  if (!started.bulkOperation) throw new ShopifyApiError('bulkOperationRunQuery answered without an operation', null);
  for (;;) {
    const { node } = await client.request<{ node: BulkOperation | null }>(BULK_STATUS_QUERY, { id: started.bulkOperation.id });
    if (!node) throw new ShopifyApiError(`bulk operation ${started.bulkOperation.id} disappeared`, null);
    if (node.status === 'COMPLETED') return node.url;
    if (BULK_FAILED.has(node.status)) throw new ShopifyApiError(`bulk operation ${node.id} ended ${node.status} (${node.errorCode ?? 'no error code'})`, null);
    await client.pause(pollIntervalMs, `bulk operation ${node.status}`);
  }
}

/** The kind of a child line, from its gid. */
function childKind(id: unknown): 'LineItem' | 'ShippingLine' | null {
  if (typeof id !== 'string') return null;
  if (id.startsWith('gid://shopify/LineItem/')) return 'LineItem';
  if (id.startsWith('gid://shopify/ShippingLine/')) return 'ShippingLine';
  return null;
}

/**
 * Rebuilds orders from the JSONL lines: an order line, then its children (`__parentId` = the
 * order's id). Shopify writes each parent before its children; a child of an order other than
 * the one being built means the file is not what we expect, and the backfill stops rather than
 * drop a line.
 */
async function* ordersIn(lines: AsyncIterable<string>): AsyncIterable<ShopifyOrder> {
  let current: ShopifyOrder | null = null;
  for await (const text of lines) {
    if (!text.trim()) continue;
    const record = JSON.parse(text) as Record<string, unknown>;
    const parentId = record.__parentId;
    if (parentId === undefined) {
      if (current) yield current;
      current = { ...(record as unknown as ShopifyOrder), lineItems: { nodes: [] }, shippingLines: { nodes: [] } };
      continue;
    }
    if (!current || parentId !== current.id) throw new ShopifyApiError(`bulk file: a line of ${String(parentId)} outside its order`, null);
    const { __parentId: _ignored, ...child } = record;
    const kind = childKind(child.id);
    if (kind === 'LineItem') current.lineItems.nodes.push(child as unknown as ShopifyLineItem);
    else if (kind === 'ShippingLine') current.shippingLines.nodes.push(child as unknown as ShopifyShippingLine);
  }
  if (current) yield current;
}

/** The lines of the file at `url` (a signed storage URL: no Shopify token is sent). */
async function* linesAt(url: string): AsyncIterable<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new ShopifyUnavailableError(`bulk file download answered HTTP ${response.status}`, 1);
  const reader = createInterface({ input: Readable.fromWeb(response.body as WebReadableStream), crlfDelay: Infinity });
  for await (const line of reader) yield line;
}

/**
 * Every order of the store, mapped, in batches of `BULK_BATCH_SIZE`. Waits (polling) until the
 * export is ready; stops with a `ShopifyApiError` when it fails on Shopify's side.
 */
export async function* bulkOrders(client: ShopifyClient, options: BulkOrdersOptions = {}): AsyncIterable<NewOrder[]> {
  const url = await runExport(client, options.pollIntervalMs ?? BULK_POLL_INTERVAL_MS);
  if (url === null) return;
  let batch: NewOrder[] = [];
  for await (const order of ordersIn(linesAt(url))) {
    try {
      batch.push(mapShopifyOrder(order, options));
    } catch (error) {
      if (!(error instanceof UnmappableShopifyOrderError) || !options.onUnmappable) throw error;
      options.onUnmappable(error);
    }
    if (batch.length >= BULK_BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
