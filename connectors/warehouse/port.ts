import type { IncomingHttpHeaders } from 'node:http';
import type { Disposition } from '../../contracts/vocabulary';

/**
 * The warehouse port: receipts and inspections of returned units reported by systems that are not
 * the graph's own mutations — a WMS calling a signed webhook, a 3PL dropping CSV or ANSI X12 files
 * (944 warehouse stock transfer receipt advice, 947 inventory adjustment advice). Every adapter
 * turns its format into the same `WarehouseMessage`s, checked by one contract suite
 * (`testing/warehouse.contract.ts`) over webhook JSON, CSV and X12 alike.
 *
 * The returns subgraph applies each message once (idempotent by warehouse and message id) through
 * the same checks as `receiveReturnItems` and `recordInspection`; a message with a bad line is
 * refused whole, naming the line, and applies nothing.
 */

/** One received line: units of a return line (or of a SKU on the return) that arrived. */
export interface WarehouseReceiptLine {
  /** 1-based position in the message as the sender wrote it (the row of a CSV, the W07/LX of an X12), for error reports. */
  lineNumber: number;
  /** The return line, when the sender knows it; otherwise the SKU identifies the line on the return. */
  returnLineId: string | null;
  sku: string | null;
  quantity: number;
}

/** One inspected line: dispositions of units of a return line (or SKU). */
export interface WarehouseInspectionLine {
  lineNumber: number;
  returnLineId: string | null;
  sku: string | null;
  dispositions: { disposition: Disposition; quantity: number }[];
}

interface MessageHeader {
  /** The sender's id of this message: with `warehouseId`, the idempotency key. */
  messageId: string;
  /** Which warehouse (or 3PL) sent it; its secret verified a webhook. */
  warehouseId: string;
  /** The return (RMA) the units belong to. */
  returnId: string;
  /** The graph's location id where the units are (`loc_...`). */
  locationId: string;
  /** When the warehouse says it happened. */
  occurredAt: Date;
}

/** Units arrived at the warehouse. */
export interface WarehouseReceipt extends MessageHeader {
  kind: 'receipt';
  lines: WarehouseReceiptLine[];
}

/** Units inspected and dispositioned. */
export interface WarehouseInspection extends MessageHeader {
  kind: 'inspection';
  lines: WarehouseInspectionLine[];
}

export type WarehouseMessage = WarehouseReceipt | WarehouseInspection;

/** A line (or the whole message) an adapter could not read; nothing of the message is applied. */
export interface WarehouseLineError {
  /** The message it belongs to, when that much could be read. */
  messageId: string | null;
  /** 1-based line (row, segment group) that failed; null for the message as a whole. */
  lineNumber: number | null;
  code: string;
  message: string;
}

/** What an adapter read from one input: the messages it could read whole, and the errors of the rest. */
export interface WarehouseParseResult {
  messages: WarehouseMessage[];
  errors: WarehouseLineError[];
}

/** A webhook whose signature verified: the warehouse whose secret signed it. */
export interface VerifiedWarehouseWebhook {
  warehouseId: string;
}

/**
 * A webhook that must not be applied: unknown warehouse, malformed header, wrong signature or
 * stale timestamp (`reason`, for logs only). Answered 401, all alike, so a caller learns nothing
 * about which warehouses exist.
 */
export class InvalidWarehouseWebhookError extends Error {
  constructor(readonly reason: string) {
    super(`invalid warehouse webhook: ${reason}`);
    this.name = 'InvalidWarehouseWebhookError';
  }
}

/**
 * What the returns subgraph needs of the warehouse adapters: verify a signed webhook, read its
 * body, and read a dropped file. `app/` builds it (`connectors/warehouse/warehouse-connector.ts`)
 * from the configured secrets; the subgraph never names an adapter.
 */
export interface WarehouseConnector {
  /** The sending warehouse of a signed webhook, or throws `InvalidWarehouseWebhookError`. */
  verifyWebhook(rawBody: string, headers: IncomingHttpHeaders): VerifiedWarehouseWebhook;
  /** A webhook body: one JSON message. */
  parseWebhook(rawBody: string): WarehouseParseResult;
  /** A dropped file, by its name's extension; null when no adapter reads that extension. */
  parseFile(fileName: string, content: string): WarehouseParseResult | null;
}
