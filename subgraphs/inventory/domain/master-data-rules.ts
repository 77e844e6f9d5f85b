import { InventoryErrorCode, InventoryMessages, type InventoryUserError } from '../user-errors';

/**
 * The shapes of inventory's master data (locations and catalog entries), each matching its SQL
 * CHECK, so a value PostgreSQL would refuse is a userError on its field instead of a fault.
 */

/** A location id: the configuration's rule (`RETURNS_DEFAULT_LOCATION_ID`) and the CHECK of migration 015. */
export const LOCATION_ID = /^loc_[A-Za-z0-9_]{1,60}$/;
/** A SKU, as `adjustInventory` and the balances accept it. */
export const SKU = /^[A-Za-z0-9._-]{1,100}$/;
/** Categories and platform names: slugs, as orders store them on their lines. */
export const SLUG = /^[a-z0-9_-]{1,40}$/;
/** C0 and C1 controls, tab and line breaks included: none belongs in a name, title or id. */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Longest location name and city (the CHECKs of migration 001). */
export const MAX_LOCATION_TEXT = 200;
/** Longest product title and external id (the CHECKs of migration 015). */
export const MAX_PRODUCT_TEXT = 255;
/** Largest safety stock: beyond a million units per SKU it is a typo. */
export const MAX_SAFETY_STOCK = 1_000_000;

const invalid = (field: string, message: string): InventoryUserError => ({ code: InventoryErrorCode.INVALID_VALUE, field: ['input', field], message });

/** INVALID_VALUE when `value` (already trimmed) is blank, longer than `max` or holds control characters. */
export function textError(field: string, value: string, max: number): InventoryUserError | null {
  if (value.length === 0) return invalid(field, InventoryMessages.blank(field));
  if (value.length > max) return invalid(field, InventoryMessages.tooLong(field, max));
  if (CONTROL_CHARACTERS.test(value)) return invalid(field, InventoryMessages.controlCharacters(field));
  return null;
}

/** INVALID_VALUE with `message` when `value` does not match `pattern`. */
export function patternError(field: string, value: string, pattern: RegExp, message: string): InventoryUserError | null {
  return pattern.test(value) ? null : invalid(field, message);
}

/** INVALID_VALUE when a safety stock is given and is not a whole number from 0 to `MAX_SAFETY_STOCK`. */
export function safetyStockError(value: number | null | undefined): InventoryUserError | null {
  if (value === null || value === undefined) return null;
  return Number.isInteger(value) && value >= 0 && value <= MAX_SAFETY_STOCK ? null : invalid('safetyStock', InventoryMessages.invalidSafetyStock);
}

/** The errors that are not null, in field order. */
export const errorsOf = (...errors: (InventoryUserError | null)[]): InventoryUserError[] =>
  errors.filter((error): error is InventoryUserError => error !== null);
