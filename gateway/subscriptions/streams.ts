/**
 * The subscription streams the gateway serves: which root field, the subgraph whose event log
 * feeds it, the event types, the query fields that resolve one update (live) or a page (catch-up),
 * and the arguments that filter it. The owning subgraphs declare the `Subscription` fields and the
 * two query fields in their schemas; this table is the gateway's side of that contract.
 */
export interface StreamDefinition {
  /** The `Subscription` root field. */
  field: string;
  /** The subgraph whose outbox is the stream's event log. */
  source: string;
  eventTypes: readonly string[];
  /** `Query` field resolving one update by cursor. */
  one: string;
  /**
   * `Query` field reading one page of the log after a cursor (catch-up): `{ updates scannedCursor
   * endOfLog }`, paged by the scanned cursor so a subscriber who sees few events reads to the end.
   */
  page: string;
  /** Arguments that filter the stream, matched against the event's data. */
  filters: readonly string[];
}

/** Every stream, by subscription field. */
export const STREAMS: Readonly<Record<string, StreamDefinition>> = {
  returnStatusChanged: {
    field: 'returnStatusChanged',
    source: 'returns',
    eventTypes: ['ReturnRequested', 'ReturnAuthorized', 'ReturnDeclined', 'ReturnCanceled', 'ReturnInTransit', 'ReturnItemsReceived', 'ReturnInspected', 'ReturnCompleted'],
    one: 'returnStatusUpdate',
    page: 'returnStatusUpdatePage',
    filters: ['returnId', 'orderId', 'channel', 'storeId'],
  },
  refundUpdated: {
    field: 'refundUpdated',
    source: 'refunds',
    eventTypes: ['RefundRequested', 'RefundSubmitted', 'RefundSucceeded', 'RefundFailed', 'RefundRequiresAction', 'CreditMemoPosted'],
    one: 'refundUpdate',
    page: 'refundUpdatePage',
    filters: ['orderId', 'returnId'],
  },
};
