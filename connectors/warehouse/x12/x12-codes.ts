import type { Disposition } from '../../../contracts/vocabulary';

/**
 * The X12 subset we read, as tables (the README shows the same). Anything outside them is refused
 * with a code naming what was not understood, never guessed.
 */

/** Transaction sets read, with the functional identifier (GS01) their group must carry. */
export const SUPPORTED_SETS = { '944': 'RE', '947': 'AW' } as const;

/**
 * W19-01, "Quantity or Status Adjustment Reason Code" (X12 data element 181), to the disposition
 * an inspection gives the units. Agreed with each 3PL at onboarding; reason codes without a
 * disposition (count corrections, ownership changes, holds...) are not inspections and are refused.
 */
export const REASON_TO_DISPOSITION: Readonly<Record<string, Disposition>> = {
  /** Product Removed from Quality Inspection Inventory: passed inspection, back to sellable stock. */
  '88': 'SELLABLE',
  /** Product Taken Off Hold: released as good. */
  '55': 'SELLABLE',
  /** Damaged in Facility / Damaged in Transit. */
  AU: 'DAMAGED',
  AV: 'DAMAGED',
  /** Recoup/Rework of Damaged Product: sent to be refurbished. */
  '52': 'REFURBISH',
  /** Product Recall: goes back to the vendor. */
  AW: 'VENDOR_RETURN',
  /** Product Dumped or Destroyed. */
  '07': 'SCRAP',
};

/**
 * Product/Service ID qualifiers (data element 235) whose id is matched against the SKU of the
 * return's lines, in order of preference when a segment carries several: SK (SKU), VN (vendor's
 * item number), BP (buyer's part number), UP (U.P.C. — matches only where SKUs are UPCs).
 */
export const SKU_QUALIFIERS = ['SK', 'VN', 'BP', 'UP'] as const;

/** Units of measure read: each (EA). Cases or pallets would need a pack size we do not have. */
export const SUPPORTED_UNITS = ['EA'] as const;

/** N9 qualifiers (data element 128) read: RZ, the returned goods authorization (our return id); LI, a line item identifier (our return line id). */
export const REFERENCE_RETURN = 'RZ';
export const REFERENCE_RETURN_LINE = 'LI';

/** N1-01 entity identifier of the warehouse whose N1-04 is our location id. */
export const ENTITY_WAREHOUSE = 'WH';

/** Segments read or tolerated inside each set (informational ones are ignored); any other is refused. */
export const ALLOWED_SEGMENTS: Readonly<Record<keyof typeof SUPPORTED_SETS, ReadonlySet<string>>> = {
  '944': new Set(['W17', 'N1', 'N2', 'N3', 'N4', 'PER', 'N9', 'G62', 'NTE', 'LX', 'W07', 'G69', 'W20', 'W14']),
  '947': new Set(['W15', 'N1', 'N2', 'N3', 'N4', 'PER', 'N9', 'G62', 'NTE', 'LX', 'W19', 'G69']),
};
