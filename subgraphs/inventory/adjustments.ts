import type { Queryable } from '../../platform/db';
import { authorize, type Principal } from '../../platform/auth';
import { newId } from '../../platform/ids';
import { audit } from '../../platform/write-path/audit';
import { currentScope } from '../../platform/context';
import { applyMovements, balanceKey, InsufficientStockError, lockBalances, type Movement } from './ledger';
import { STOCK_STATES, type StockState } from '../../contracts/vocabulary';
import { unitsHeldForReturns } from './consumers/return-stock';

/** Business-rule failures of inventory mutations. */
export const InventoryErrorCode = {
  INVALID_QUANTITY: 'INVALID_QUANTITY',
  INSUFFICIENT_STOCK: 'INSUFFICIENT_STOCK',
  QUANTITY_CHANGED: 'QUANTITY_CHANGED',
  UNKNOWN_LOCATION: 'UNKNOWN_LOCATION',
  HELD_FOR_RETURNS: 'HELD_FOR_RETURNS',
  INVALID_STATE: 'INVALID_STATE',
  INVALID_VALUE: 'INVALID_VALUE',
} as const;

/** A userError of an inventory mutation. */
export interface InventoryUserError {
  code: string;
  field: string[] | null;
  message: string;
}

/** What inventory mutations store under their idempotency key and replay: ids, not objects. */
export interface StockChangePayload {
  sku: string | null;
  locationId: string | null;
  movementIds: string[];
  userErrors: InventoryUserError[];
}

const refused = (code: string, field: string[] | null, message: string): StockChangePayload => ({ sku: null, locationId: null, movementIds: [], userErrors: [{ code, field, message }] });

/** Input of `adjustInventory`: a cycle-count correction or similar, by a signed delta. */
export interface AdjustInput {
  sku: string;
  locationId: string;
  state?: StockState | null;
  delta: number;
  reason: string;
  /** Compare-and-swap: the caller's view of the balance; refused if it changed meanwhile. */
  expectedQuantity?: number | null;
  note?: string | null;
}

/** Input of `moveInventory`: units from one state to another (or out of stock). */
export interface MoveInput {
  sku: string;
  locationId: string;
  fromState: StockState;
  toState?: StockState | null;
  quantity: number;
  reason: string;
  /** Compare-and-swap on the `fromState` balance. */
  expectedQuantity?: number | null;
  note?: string | null;
}

async function locationExists(tx: Queryable, locationId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM inventory.locations WHERE id = $1`, [locationId]);
  return rowCount > 0;
}

/** Shared checks and the write of both mutations; `movement` is what to apply once the CAS holds. */
async function change(
  tx: Queryable,
  principal: Principal,
  input: { sku: string; locationId: string; reason: string; note?: string | null; expectedQuantity?: number | null },
  casState: StockState,
  movement: Movement,
  action: 'adjustInventory' | 'moveInventory',
): Promise<StockChangePayload> {
  // The capability table: store managers in their own stores; operations and the WMS (service) anywhere.
  // Locations are public (the `locations` query), so a refusal here reveals nothing.
  authorize(principal, action, { locationIds: [input.locationId] });
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.sku)) return refused(InventoryErrorCode.INVALID_VALUE, ['input', 'sku'], 'A SKU is 1-100 letters, digits, dots, dashes or underscores.');
  if (!(await locationExists(tx, input.locationId))) return refused(InventoryErrorCode.UNKNOWN_LOCATION, ['input', 'locationId'], `Location ${input.locationId} is not known.`);
  // Lock every balance the movement touches, in the ledger's global order, before reading the CAS one.
  const touched = [movement.from, movement.to].filter((state): state is StockState => state !== null);
  const locked = await lockBalances(tx, touched.map((state) => ({ sku: input.sku, locationId: input.locationId, state })));
  const current = locked.get(balanceKey({ sku: input.sku, locationId: input.locationId, state: casState })) ?? 0;
  if (input.expectedQuantity !== undefined && input.expectedQuantity !== null && input.expectedQuantity !== current) {
    return refused(InventoryErrorCode.QUANTITY_CHANGED, ['input', 'expectedQuantity'], `The ${casState} balance is ${current}, not ${input.expectedQuantity}: it changed meanwhile. Re-read and retry.`);
  }
  // Units open returns hold are moved by the returns' own events; taking them by hand would make those fail.
  const held = movement.from ? await unitsHeldForReturns(tx, input.sku, input.locationId, movement.from) : 0;
  if (held > 0 && current - movement.quantity < held) {
    return refused(InventoryErrorCode.HELD_FOR_RETURNS, ['input', 'quantity'], `${held} unit(s) in ${movement.from} belong to open returns and move with them; at most ${Math.max(0, current - held)} can be changed by hand.`);
  }
  const adjustmentId = `adj_${newId('mov').slice(4)}`;
  try {
    const movementIds = await applyMovements(tx, [movement], { causeId: adjustmentId, reason: input.reason, actor: principal.subject });
    await audit(tx, 'inventory', {
      actor: principal.subject,
      roles: principal.roles,
      action,
      target: `${input.sku}@${input.locationId}`,
      details: { adjustmentId, movement: { ...movement }, reason: input.reason, note: input.note ?? null, before: current },
      correlationId: currentScope()?.correlationId,
    });
    return { sku: input.sku, locationId: input.locationId, movementIds, userErrors: [] };
  } catch (error) {
    if (error instanceof InsufficientStockError) {
      return refused(InventoryErrorCode.INSUFFICIENT_STOCK, ['input', 'quantity'], `Only ${error.available} unit(s) in ${movement.from}; stock never goes below zero.`);
    }
    throw error;
  }
}

/** `adjustInventory`: add or remove units of one state by a signed delta (never below zero). */
export async function adjustInventory(tx: Queryable, principal: Principal, input: AdjustInput): Promise<StockChangePayload> {
  const state = input.state ?? 'SELLABLE';
  if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > 1_000_000) {
    return refused(InventoryErrorCode.INVALID_QUANTITY, ['input', 'delta'], 'The delta must be a non-zero whole number of at most a million units.');
  }
  const movement: Movement =
    input.delta > 0
      ? { sku: input.sku, locationId: input.locationId, from: null, to: state, quantity: input.delta }
      : { sku: input.sku, locationId: input.locationId, from: state, to: null, quantity: -input.delta };
  return change(tx, principal, input, state, movement, 'adjustInventory');
}

/** `moveInventory`: move units between states (REFURBISH → SELLABLE after repair), or out (VENDOR_RETURN shipped). */
export async function moveInventory(tx: Queryable, principal: Principal, input: MoveInput): Promise<StockChangePayload> {
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > 1_000_000) {
    return refused(InventoryErrorCode.INVALID_QUANTITY, ['input', 'quantity'], 'The quantity must be a whole number from 1 to a million.');
  }
  const to = input.toState ?? null;
  if (to === input.fromState || !STOCK_STATES.includes(input.fromState)) {
    return refused(InventoryErrorCode.INVALID_STATE, ['input', 'toState'], 'Move units between two different states.');
  }
  const movement: Movement = { sku: input.sku, locationId: input.locationId, from: input.fromState, to, quantity: input.quantity };
  return change(tx, principal, input, input.fromState, movement, 'moveInventory');
}
