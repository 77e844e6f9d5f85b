import { z } from 'zod';
import { defineEvent } from '../../platform/events/catalog';
import { currencyCode, refundStatus } from '../vocabulary';

/** What every refund event says about its refund; `revision` is the refund's sequence number. */
const header = {
  refundId: z.string().regex(/^rfd_/),
  orderId: z.string().regex(/^ord_/),
  returnId: z.string().regex(/^ret_/).nullable(),
  status: refundStatus,
  revision: z.number().int().positive(),
  amountMinor: z.number().int().positive(),
  currency: currencyCode,
  customerId: z.string().nullable(),
  partnerId: z.string().nullable(),
  /** The store that took the return, if any. */
  storeId: z.string().nullable(),
};

/** A refund was calculated and will be executed (or waits for a second approver). */
export const RefundRequested = defineEvent(
  'RefundRequested',
  1,
  z.object({
    ...header,
    trigger: z.enum(['RECEIPT', 'INSPECTION', 'MANUAL']),
    /** True when it waits for a second approver (four eyes) before it is paid; absent in events from before issue 14. */
    awaitingApproval: z.boolean().optional(),
  }),
);
/** Every tender of the refund was handed to its provider (or paid internally). */
export const RefundSubmitted = defineEvent('RefundSubmitted', 1, z.object({ ...header }));
/** The provider paid every tender: the money is on its way back. */
export const RefundSucceeded = defineEvent('RefundSucceeded', 1, z.object({ ...header, taxMinor: z.number().int() }));
/** A tender failed definitively; the refund needs attention (retryRefund). */
export const RefundFailed = defineEvent('RefundFailed', 1, z.object({ ...header, reason: z.string().min(1) }));
/** A tender needs action at the provider (e.g. the customer). */
export const RefundRequiresAction = defineEvent('RefundRequiresAction', 1, z.object({ ...header, reason: z.string().min(1) }));
/** The ERP booked the refund's credit memo. */
export const CreditMemoPosted = defineEvent('CreditMemoPosted', 1, z.object({ ...header, erpReference: z.string().min(1) }));

export type RefundEventHeader = z.infer<z.ZodObject<typeof header>>;
