import type { Queryable } from '../../platform/db';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { authorize, type Principal } from '../../platform/auth';
import { newId } from '../../platform/ids';
import { applyMovements, balanceKey, InsufficientStockError, lockBalances, type Movement } from './ledger';
import { STOCK_STATES, type StockState } from '../../contracts/vocabulary';
import { unitsHeldForReturns } from './consumers/return-stock';
import { InventoryErrorCode, InventoryMessages, type InventoryUserError } from './user-errors';

/** What inventory mutations store under their idempotency key and replay: ids, not objects. */
export interface StockChangePayload {
  sku: string | null;
  locationId: string | null;
  movementIds: string[];
  userErrors: InventoryUserError[];
}

const refused = (code: InventoryErrorCode, field: string[] | null, message: string): StockChangePayload => ({
  sku: null,
  locationId: null,
  movementIds: [],
  userErrors: [{ code, field, message }],
});

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
  tx: WriteTx,
  principal: Principal,
  input: { sku: string; locationId: string; reason: string; note?: string | null; expectedQuantity?: number | null },
  casState: StockState,
  movement: Movement,
  action: 'adjustInventory' | 'moveInventory',
): Promise<StockChangePayload> {
  // The capability table: store managers in their own stores; operations and the WMS (service) anywhere.
  // Locations are public (the `locations` query), so a refusal here reveals nothing.
  authorize(principal, action, { locationIds: [input.locationId] });
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(input.sku)) return refused(InventoryErrorCode.INVALID_VALUE, ['input', 'sku'], InventoryMessages.invalidSku);
  if (!(await locationExists(tx, input.locationId)))
    return refused(InventoryErrorCode.UNKNOWN_LOCATION, ['input', 'locationId'], InventoryMessages.unknownLocation(input.locationId));
  // Lock every balance the movement touches, in the ledger's global order, before reading the CAS one.
  const touched = [movement.from, movement.to].filter((state): state is StockState => state !== null);
  const locked = await lockBalances(
    tx,
    touched.map((state) => ({ sku: input.sku, locationId: input.locationId, state })),
  );
  const current = locked.get(balanceKey({ sku: input.sku, locationId: input.locationId, state: casState })) ?? 0;
  if (expectationBroken(input.expectedQuantity, current)) {
    return refused(
      InventoryErrorCode.QUANTITY_CHANGED,
      ['input', 'expectedQuantity'],
      InventoryMessages.quantityChanged(casState, current, input.expectedQuantity),
    );
  }
  // Units open returns hold are moved by the returns' own events; taking them by hand would make those fail.
  const held = movement.from ? await unitsHeldForReturns(tx, input.sku, input.locationId, movement.from) : 0;
  if (held > 0 && current - movement.quantity < held) {
    return refused(
      InventoryErrorCode.HELD_FOR_RETURNS,
      ['input', 'quantity'],
      InventoryMessages.heldForReturns(held, String(movement.from), Math.max(0, current - held)),
    );
  }
  const adjustmentId = `adj_${newId('mov').slice(4)}`;
  try {
    const movementIds = await applyMovements(tx, [movement], { causeId: adjustmentId, reason: input.reason, actor: principal.subject });
    await tx.audit({
      principal,
      action,
      target: `${input.sku}@${input.locationId}`,
      details: { adjustmentId, movement: { ...movement }, reason: input.reason, note: input.note ?? null, before: current },
    });
    return { sku: input.sku, locationId: input.locationId, movementIds, userErrors: [] };
  } catch (error) {
    if (error instanceof InsufficientStockError) {
      return refused(InventoryErrorCode.INSUFFICIENT_STOCK, ['input', 'quantity'], InventoryMessages.insufficientStock(error.available, String(movement.from)));
    }
    throw error;
  }
}

/** Compare-and-swap: true when an expected quantity was given and the balance as locked is not it. */
function expectationBroken(expected: number | null | undefined, current: number): expected is number {
  return expected !== undefined && expected !== null && expected !== current;
}

/** `adjustInventory`: add or remove units of one state by a signed delta (never below zero). */
export async function adjustInventory(tx: WriteTx, principal: Principal, input: AdjustInput): Promise<StockChangePayload> {
  const state = input.state ?? 'SELLABLE';
  if (!Number.isInteger(input.delta) || input.delta === 0 || Math.abs(input.delta) > 1_000_000) {
    return refused(InventoryErrorCode.INVALID_QUANTITY, ['input', 'delta'], InventoryMessages.invalidDelta);
  }
  const movement: Movement =
    input.delta > 0
      ? { sku: input.sku, locationId: input.locationId, from: null, to: state, quantity: input.delta }
      : { sku: input.sku, locationId: input.locationId, from: state, to: null, quantity: -input.delta };
  return change(tx, principal, input, state, movement, 'adjustInventory');
}

/** `moveInventory`: move units between states (REFURBISH → SELLABLE after repair), or out (VENDOR_RETURN shipped). */
export async function moveInventory(tx: WriteTx, principal: Principal, input: MoveInput): Promise<StockChangePayload> {
  if (!Number.isInteger(input.quantity) || input.quantity < 1 || input.quantity > 1_000_000) {
    return refused(InventoryErrorCode.INVALID_QUANTITY, ['input', 'quantity'], InventoryMessages.invalidMoveQuantity);
  }
  const to = input.toState ?? null;
  if (to === input.fromState || !STOCK_STATES.includes(input.fromState)) {
    return refused(InventoryErrorCode.INVALID_STATE, ['input', 'toState'], InventoryMessages.sameStates);
  }
  const movement: Movement = { sku: input.sku, locationId: input.locationId, from: input.fromState, to, quantity: input.quantity };
  return change(tx, principal, input, input.fromState, movement, 'moveInventory');
}
