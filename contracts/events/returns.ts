import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';
import { channel, currencyCode, disposition, fraudOutcome, refundMethod, returnStatus } from '../vocabulary';

/**
 * The events the returns subgraph publishes, one versioned schema each. Inventory turns them into
 * stock movements, refunds into refunds, the gateway into subscription updates. Every event carries
 * the return's `revision` after the change: a per-return sequence number.
 */
/** What every return event says about the return it is about. */
const header = {
  returnId: z.string().regex(/^ret_/),
  orderId: z.string().regex(/^ord_/),
  number: z.string().regex(/^RMA-/),
  status: returnStatus,
  previousStatus: returnStatus.nullable(),
  revision: z.number().int().positive(),
  channel,
  storeId: z.string().nullable(),
  customerId: z.string().nullable(),
  partnerId: z.string().nullable(),
};

const requestedLine = z.object({
  returnLineId: z.string().regex(/^rli_/),
  orderLineId: z.string().regex(/^oli_/),
  sku: z.string().min(1),
  quantity: z.number().int().positive(),
  reason: z.string().min(1),
  netValueMinor: z.number().int().min(0),
  restockingFeeMinor: z.number().int().min(0),
});

const decided = z.object({
  ...header,
  destinationLocationId: z.string().nullable(),
  refundMethod: refundMethod.nullable(),
  valueMinor: z.number().int().min(0),
  currency: currencyCode,
  fraudOutcome,
  lines: z.array(requestedLine).min(1),
});

/** A return was asked for and waits for a decision. */
export const ReturnRequested = defineEvent('ReturnRequested', 1, decided);
/** A return was authorized: the units may come back to `destinationLocationId`. */
export const ReturnAuthorized = defineEvent('ReturnAuthorized', 1, decided);
/** A return was refused. */
export const ReturnDeclined = defineEvent('ReturnDeclined', 1, z.object({ ...header, reason: z.string().min(1) }));
/** A return was withdrawn before any unit arrived; units still expected are no longer incoming. */
export const ReturnCanceled = defineEvent(
  'ReturnCanceled',
  1,
  z.object({
    ...header,
    destinationLocationId: z.string().nullable(),
    wasAuthorized: z.boolean(),
    lines: z.array(z.object({ returnLineId: z.string(), sku: z.string(), outstandingQuantity: z.number().int().min(0) })),
  }),
);
/** The customer shipped the units back. */
export const ReturnInTransit = defineEvent(
  'ReturnInTransit',
  1,
  z.object({ ...header, carrier: z.string().nullable(), trackingNumber: z.string().nullable() }),
);
/** Units arrived at a location (a store counter or a warehouse dock): pending inspection, never sellable yet. */
export const ReturnItemsReceived = defineEvent(
  'ReturnItemsReceived',
  1,
  z.object({
    ...header,
    locationId: z.string().min(1),
    /** Where the units were expected (INCOMING), when the return was a ship-back. */
    expectedAtLocationId: z.string().nullable(),
    fullyReceived: z.boolean(),
    lines: z
      .array(
        z.object({
          returnLineId: z.string(),
          sku: z.string(),
          quantity: z.number().int().positive(),
          /** Still sealed: a location that allows it puts such units straight back on sale. */
          unopened: z.boolean().optional(),
        }),
      )
      .min(1),
  }),
);
/** Received units were inspected and given dispositions. */
export const ReturnInspected = defineEvent(
  'ReturnInspected',
  1,
  z.object({
    ...header,
    locationId: z.string().min(1),
    fullyInspected: z.boolean(),
    lines: z
      .array(
        z.object({
          returnLineId: z.string(),
          sku: z.string(),
          dispositions: z.array(z.object({ disposition, quantity: z.number().int().positive() })).min(1),
        }),
      )
      .min(1),
  }),
);
/** Every line has a disposition, the refund settled and the credit memo is posted. */
export const ReturnCompleted = defineEvent('ReturnCompleted', 1, z.object({ ...header }));

export type ReturnEventHeader = z.infer<z.ZodObject<typeof header>>;
