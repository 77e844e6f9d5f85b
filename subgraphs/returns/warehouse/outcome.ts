/** An error of a warehouse message as the sender is told it: its line (null: the message as a whole), a code and a message. */
export interface WarehouseMessageError {
  lineNumber: number | null;
  code: string;
  message: string;
}

/** What became of one warehouse message. */
export type WarehouseOutcome =
  | { status: 'applied' | 'duplicate'; warehouseId: string; messageId: string }
  | { status: 'rejected'; warehouseId: string; messageId: string; errors: WarehouseMessageError[] };

/** Codes the application of a message adds to the lifecycle's userError codes. */
export const WarehouseApplyCode = {
  /** No return has this id. */
  RETURN_NOT_FOUND: 'RETURN_NOT_FOUND',
  /** No line of the return has this SKU. */
  UNKNOWN_SKU: 'UNKNOWN_SKU',
  /** Several lines of the return have this SKU: name the return line. */
  AMBIGUOUS_SKU: 'AMBIGUOUS_SKU',
  /** The line names a return line and a SKU that is not that line's. */
  SKU_MISMATCH: 'SKU_MISMATCH',
  /** This warehouse already sent a message with this id, with other content. */
  MESSAGE_ID_REUSED: 'MESSAGE_ID_REUSED',
  /** A webhook's message names another warehouse than the one whose secret signed it. */
  WAREHOUSE_MISMATCH: 'WAREHOUSE_MISMATCH',
} as const;

/** Messages of those codes, together. */
export const WarehouseApplyMessages = {
  unknownSku: 'No line of this return has this SKU.',
  ambiguousSku: 'Several lines of this return have this SKU: name the return line (returnLineId).',
  skuMismatch: 'The return line named has another SKU.',
  messageIdReused: 'This message id was already used for a message with other content; send a new message under a new id.',
  warehouseMismatch: 'The message names another warehouse than the one whose secret signed it.',
} as const;
