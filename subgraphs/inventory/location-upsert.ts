import type { WriteTx } from '../../platform/write-path/write-tx';
import { authorize, type Principal } from '../../platform/auth';
import { configureLocation, registerLocations } from './locations';
import type { LocationRow } from './store';
import { InventoryMessages, type InventoryUserError } from './user-errors';
import { errorsOf, LOCATION_ID, MAX_LOCATION_TEXT, patternError, safetyStockError, textError } from './domain/master-data-rules';

/** Input of `upsertLocation`: a location as operations (or a platform sync) describe it. */
export interface UpsertLocationInput {
  id: string;
  name: string;
  kind: LocationRow['kind'];
  city?: string | null;
  /** Unchanged when omitted; 0 for a new location. */
  safetyStock?: number | null;
  /** Unchanged when omitted; false for a new location. */
  unopenedReturnsSellable?: boolean | null;
}

/** What `upsertLocation` stores under its idempotency key and replays: the id, not the row. */
export interface UpsertLocationResult {
  locationId: string | null;
  created: boolean;
  userErrors: InventoryUserError[];
}

/** A refusal: nothing written (the write path rolls the transaction back on userErrors). */
export const locationRefused = (userErrors: InventoryUserError[]): UpsertLocationResult => ({ locationId: null, created: false, userErrors });

/** Every field's problem at once, so a caller (or an import's report) fixes a row in one go. */
function locationErrors(input: UpsertLocationInput, name: string, city: string | null): InventoryUserError[] {
  return errorsOf(
    patternError('id', input.id, LOCATION_ID, InventoryMessages.invalidLocationId),
    textError('name', name, MAX_LOCATION_TEXT),
    city === null ? null : textError('city', city, MAX_LOCATION_TEXT),
    safetyStockError(input.safetyStock),
  );
}

/**
 * `upsertLocation`: creates a location or brings one to the description given, through the one
 * way locations are written (`registerLocations` for what inventory announces, `configureLocation`
 * for its own settings), so returns learns of it by `LocationRegistered` / `LocationUpdated` and a
 * repeat that changes nothing announces nothing. Audited, changed or not: who asserted what matters.
 */
export async function upsertLocation(tx: WriteTx, principal: Principal, input: UpsertLocationInput): Promise<UpsertLocationResult> {
  // Operations and service only, anywhere (the capability table); the root guard asked already.
  authorize(principal, 'upsertLocation', {});
  const name = input.name.trim();
  // A blank city is no city: spreadsheets leave empty cells.
  const city = input.city?.trim() || null;
  const errors = locationErrors(input, name, city);
  if (errors.length > 0) return locationRefused(errors);
  const inserted = await registerLocations(tx, [
    {
      id: input.id,
      name,
      kind: input.kind,
      city,
      safety_stock: input.safetyStock ?? 0,
      unopened_returns_sellable: input.unopenedReturnsSellable ?? false,
    },
  ]);
  const created = inserted.includes(input.id);
  // A new row already has the settings; an existing one gets those given (omitted ones stay).
  if (!created) {
    await configureLocation(tx, input.id, { safetyStock: input.safetyStock ?? undefined, unopenedReturnsSellable: input.unopenedReturnsSellable ?? undefined });
  }
  await tx.audit({ principal, action: 'upsertLocation', target: input.id, details: { created, name, kind: input.kind, city, settings: settingsOf(input) } });
  return { locationId: input.id, created, userErrors: [] };
}

const settingsOf = (input: UpsertLocationInput) => ({ safetyStock: input.safetyStock ?? null, unopenedReturnsSellable: input.unopenedReturnsSellable ?? null });
