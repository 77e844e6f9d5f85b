import { z } from 'zod';
import { DISPOSITIONS } from '../../contracts/vocabulary';

/**
 * The warehouse message as a sender writes it — the webhook's JSON body, one JSON file, one line
 * of a JSON Lines file — and the one set of rules every adapter applies: the CSV and X12 adapters
 * build this same object from their rows and segments and check it with this same schema, so a
 * rule is written once. `warehouse-message.schema.json` is this schema as JSON Schema
 * (`z.toJSONSchema`; a test keeps the file equal to it).
 */

/** Longest id accepted: ours are ~30 characters; a hostile megabyte string stops here. */
export const MAX_ID_LENGTH = 100;
/** Longest SKU: the catalog's are under 40 characters. */
export const MAX_SKU_LENGTH = 100;
/** Lines per message: a return has a few lines; a pallet of returns is several messages. */
export const MAX_LINES = 500;
/** Dispositions per inspection line: one per disposition, with room for a sender that repeats one. */
export const MAX_DISPOSITIONS = 10;
/** Units per line: far above any return, far below where arithmetic could lose precision. */
export const MAX_QUANTITY = 100_000;

/** Ids are opaque but bounded: letters, digits and `_ . : -` (they become part of an idempotency key). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;
/** Printable text: no C0/C1 control characters (NUL included), no line or paragraph separators. */
const PRINTABLE = /^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]+$/;

const id = z.string().min(1).max(MAX_ID_LENGTH).regex(ID_PATTERN);
const sku = z.string().min(1).max(MAX_SKU_LENGTH).regex(PRINTABLE);
const quantity = z.number().int().min(1).max(MAX_QUANTITY);

/** Whether a line names what it is about: a return line, a SKU on the return, or both. */
const identified = (line: { returnLineId?: string | undefined; sku?: string | undefined }) => line.returnLineId !== undefined || line.sku !== undefined;
const NOT_IDENTIFIED = { message: 'LINE_NOT_IDENTIFIED' } as const;

const receiptLine = z
  .strictObject({ returnLineId: id.optional(), sku: sku.optional(), quantity })
  .refine(identified, NOT_IDENTIFIED)
  .meta({ description: 'Units of one return line that arrived; names the return line, or a SKU that is on the return once.' });

const inspectionLine = z
  .strictObject({
    returnLineId: id.optional(),
    sku: sku.optional(),
    dispositions: z
      .array(z.strictObject({ disposition: z.enum(DISPOSITIONS), quantity }))
      .min(1)
      .max(MAX_DISPOSITIONS),
  })
  .refine(identified, NOT_IDENTIFIED)
  .meta({ description: 'Dispositions of the received, not yet inspected units of one return line at the location; they add up to exactly those units.' });

const header = {
  messageId: id.meta({ description: "The sender's id of this message; with warehouseId, it is applied once." }),
  warehouseId: id.meta({ description: 'The sending warehouse or 3PL, as configured in WAREHOUSE_SECRETS.' }),
  returnId: id.meta({ description: 'The return (RMA), ret_...' }),
  locationId: id.meta({ description: "The graph's location where the units are, loc_..." }),
  occurredAt: z.iso.datetime({ offset: true }).meta({ description: 'When it happened at the warehouse (ISO 8601 with offset).' }),
};

/** A receipt: units arrived. */
export const receiptMessage = z.strictObject({ ...header, type: z.literal('receipt'), lines: z.array(receiptLine).min(1).max(MAX_LINES) });
/** An inspection: units dispositioned. */
export const inspectionMessage = z.strictObject({ ...header, type: z.literal('inspection'), lines: z.array(inspectionLine).min(1).max(MAX_LINES) });

/** The whole message, either kind. */
export const warehouseMessageSchema = z
  .discriminatedUnion('type', [receiptMessage, inspectionMessage])
  .meta({ title: 'WarehouseMessage', description: 'A receipt or inspection of returned units, reported by a warehouse or 3PL.' });

export type WarehouseMessageInput = z.infer<typeof warehouseMessageSchema>;
