/**
 * Helpers for the policy tests: the default document as plain data to vary, and a line/order
 * builder with sensible defaults so each test states only what it is about.
 */
import { parsePolicy, loadDefaultPolicy } from '../load';
import type { EligibilityInput } from '../eligibility';
import type { ReturnPolicy } from '../schema';

/** A mutable deep copy of the default document, for building variants and invalid documents. */
export function defaultDocument(): Record<string, unknown> & ReturnPolicy {
  return structuredClone(loadDefaultPolicy()) as Record<string, unknown> & ReturnPolicy;
}

/** The default policy with top-level fields replaced, validated like any document. */
export function policyWith(changes: Partial<ReturnPolicy>): ReturnPolicy {
  return parsePolicy({ ...defaultDocument(), ...changes }, 'test variant');
}

/** An instant in UTC from an ISO string, shorter to read in tests. */
export const at = (iso: string): Date => new Date(iso);

/** An eligibility input: a web order of 3 apparel units paid by card, delivered, asked about at POS. */
export function eligibilityInput(
  overrides: {
    returnChannel?: EligibilityInput['returnChannel'];
    order?: Partial<EligibilityInput['order']>;
    line?: Partial<EligibilityInput['line']>;
    alreadyReturnedQuantity?: number;
    now?: Date;
  } = {},
): EligibilityInput {
  return {
    returnChannel: overrides.returnChannel ?? 'ECOMMERCE',
    order: {
      channel: 'ECOMMERCE',
      placedAt: at('2025-03-01T10:00:00.000Z'),
      deliveredAt: at('2025-03-04T15:30:00.000Z'),
      payments: [{ method: 'CARD', capturedMinor: 7500 }],
      ...overrides.order,
    },
    line: {
      orderLineId: 'oli_01JQ0000000000000000000000',
      sku: 'TSHIRT-M',
      category: 'apparel',
      quantity: 3,
      unitPriceMinor: 2500,
      discountMinor: 0,
      taxMinor: 0,
      finalSale: false,
      ...overrides.line,
    },
    alreadyReturnedQuantity: overrides.alreadyReturnedQuantity ?? 0,
    now: overrides.now ?? at('2025-03-10T12:00:00.000Z'),
  };
}
