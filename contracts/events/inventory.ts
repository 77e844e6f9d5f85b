import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';
import { stockState } from '../vocabulary';

/**
 * `InventoryMoved` v1: units of SKUs moved between stock states at one location, one event per
 * cause (a return receipt, an inspection, an adjustment). The ERP posting consumer books each
 * movement once, by its id.
 */
export const InventoryMoved = defineEvent(
  'InventoryMoved',
  1,
  z.object({
    locationId: z.string().min(1),
    causeId: z.string().min(1),
    reason: z.string().min(1),
    /** The return the units moved for (receipt, inspection, cancellation), so the ERP can book them against its return authorization; absent otherwise. */
    returnId: z.string().regex(/^ret_/).nullish(),
    movements: z
      .array(
        z.object({
          movementId: z.string().regex(/^mov_/),
          sku: z.string().min(1),
          fromState: stockState.nullable(),
          toState: stockState.nullable(),
          quantity: z.number().int().positive(),
          occurredAt: z.string().datetime({ offset: true }),
        }),
      )
      .min(1),
  }),
);

export type InventoryMovedData = z.infer<typeof InventoryMoved.schema>;

/** What inventory announces about a location: everything another subgraph may check against. */
const locationAnnounced = z.object({
  locationId: z.string().regex(/^loc_/),
  name: z.string().min(1),
  kind: z.enum(['STORE', 'WAREHOUSE']),
  city: z.string().nullable(),
  /** Unopened returned units go straight back on sale here at receipt. */
  unopenedReturnsSellable: z.boolean(),
});

/**
 * `LocationRegistered` v1: inventory holds stock at a new location (synced from the ERP). Returns
 * keeps a read model of these so it takes, receives and inspects returns only where inventory can
 * book the units.
 */
export const LocationRegistered = defineEvent('LocationRegistered', 1, locationAnnounced);

/** `LocationUpdated` v1: a known location changed; the data is its whole new state. */
export const LocationUpdated = defineEvent('LocationUpdated', 1, locationAnnounced);

export type LocationAnnouncedData = z.infer<typeof locationAnnounced>;
