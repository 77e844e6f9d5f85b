import type { X12Segment, X12Transaction } from 'node-x12';
import type { WarehouseLineError } from '../port';
import { lineError, WarehouseErrorCode } from '../errors';
import type { Locate } from '../read-message';
import { ALLOWED_SEGMENTS, ENTITY_WAREHOUSE, REFERENCE_RETURN, REFERENCE_RETURN_LINE, SKU_QUALIFIERS, SUPPORTED_UNITS, type SUPPORTED_SETS } from './x12-codes';
import { element, productId, quantity } from './x12-segments';

/** One item segment (W07 or W19) as read: its ordinal in the set (the line number errors name) and what it says. */
export interface X12Item {
  ordinal: number;
  segment: X12Segment;
  sku: string | undefined;
  quantity: unknown;
  /** From an `N9*LI` following the item. */
  returnLineId: string | undefined;
}

/** What a transaction set's segments say, before the set's own reader shapes the message. */
export interface X12SetContent {
  /** The set's identifying segment (W17 for 944, W15 for 947). */
  head: X12Segment | undefined;
  /** N1*WH's id: our location. */
  locationId: string | undefined;
  /** N9*RZ in the heading: our return id. */
  returnReference: string | undefined;
  items: X12Item[];
  /** Other segments the reader wants (W14). */
  extra: Map<string, X12Segment>;
  errors: WarehouseLineError[];
}

/** A set read into a message candidate (the JSON shape of `message-schema.ts`) with where each line came from. */
export interface X12Read {
  candidate: Record<string, unknown>;
  locate: Locate;
  errors: WarehouseLineError[];
}

/**
 * Walks a 944 or 947's segments once: the heading (identifying segment, N1*WH, N9*RZ), the item
 * segments (W07 / W19) each with the N9*LI after it, and refuses segments outside the subset.
 */
export function readSetContent(transaction: X12Transaction, set: keyof typeof SUPPORTED_SETS, headTag: string, itemTag: string): X12SetContent {
  const content: X12SetContent = { head: undefined, locationId: undefined, returnReference: undefined, items: [], extra: new Map(), errors: [] };
  const allowed = ALLOWED_SEGMENTS[set];
  for (const segment of transaction.segments) {
    const current = content.items[content.items.length - 1];
    if (!allowed.has(segment.tag)) {
      const tag = segment.tag.slice(0, 3);
      content.errors.push(lineError(null, current?.ordinal ?? null, WarehouseErrorCode.UNSUPPORTED_SEGMENT, `Segment ${tag} is not read in a ${set}.`));
    } else if (segment.tag === headTag) content.head = segment;
    else if (segment.tag === itemTag) content.items.push(readItem(segment, content.items.length + 1, content.errors));
    else if (segment.tag === 'N1' && element(segment, 1) === ENTITY_WAREHOUSE) content.locationId = element(segment, 4);
    else if (segment.tag === 'N9') readReference(segment, current, content);
    else content.extra.set(segment.tag, segment);
  }
  return content;
}

function readReference(segment: X12Segment, current: X12Item | undefined, content: X12SetContent): void {
  const qualifier = element(segment, 1);
  if (current && qualifier === REFERENCE_RETURN_LINE) current.returnLineId = element(segment, 2);
  else if (!current && qualifier === REFERENCE_RETURN) content.returnReference = element(segment, 2);
}

/**
 * W07 (944) and W19 (947) share their item layout from the quantity on, one element apart: W07
 * starts with the quantity, W19 with its reason code. Quantity, unit (EA only), U.P.C. case code,
 * then two qualifier/id pairs.
 */
function readItem(segment: X12Segment, ordinal: number, errors: WarehouseLineError[]): X12Item {
  const shift = segment.tag === 'W19' ? 1 : 0;
  const unit = element(segment, 2 + shift);
  if (!(SUPPORTED_UNITS as readonly (string | undefined)[]).includes(unit)) {
    errors.push(lineError(null, ordinal, WarehouseErrorCode.UNSUPPORTED_UNIT, `${segment.tag} #${ordinal}: only the unit EA (each) is read.`));
  }
  const product = productId(
    segment,
    [
      [4 + shift, 5 + shift],
      [6 + shift, 7 + shift],
    ],
    SKU_QUALIFIERS,
  );
  if (product === 'unsupported') {
    errors.push(
      lineError(
        null,
        ordinal,
        WarehouseErrorCode.UNSUPPORTED_PRODUCT_QUALIFIER,
        `${segment.tag} #${ordinal}: product qualifiers read are ${SKU_QUALIFIERS.join(', ')}.`,
      ),
    );
  }
  const upcCaseCode = element(segment, 3 + shift);
  const sku = product === 'unsupported' ? undefined : (product ?? upcCaseCode);
  return { ordinal, segment, sku, quantity: quantity(element(segment, 1 + shift)), returnLineId: undefined };
}
