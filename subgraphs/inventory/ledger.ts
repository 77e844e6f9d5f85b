import type { Queryable } from '../../platform/db';
import type { WriteTx } from '../../platform/write-path/write-tx';
import { currentScope } from '../../platform/context';
import { newId } from '../../platform/ids';
import type { StockState } from '../../contracts/vocabulary';
import { InventoryMoved } from '../../contracts/events/inventory';

/** One movement to apply: units of a SKU at a location from one state to another. */
export interface Movement {
  sku: string;
  locationId: string;
  /** Null when units arrive (a return's incoming units, an opening balance, a found unit). */
  from: StockState | null;
  /** Null when units leave stock (scrap, shipped to the vendor, a lost unit). */
  to: StockState | null;
  quantity: number;
}

/** What caused a batch of movements, for the ledger and the event. */
export interface Cause {
  /** The event id or adjustment id. */
  causeId: string;
  /** e.g. RETURN_AUTHORIZED, RETURN_RECEIVED, INSPECTION, CYCLE_COUNT. */
  reason: string;
  /** Who or what: a principal subject or a consumer name. */
  actor: string;
  /** The return the units move for, when they do (ERPs book a receipt against the return authorization). */
  returnId?: string | null;
}

/** A movement that would take a balance below zero. */
export class InsufficientStockError extends Error {
  constructor(
    readonly movement: Movement,
    readonly available: number,
  ) {
    super(`Cannot move ${movement.quantity} x ${movement.sku} out of ${movement.from} at ${movement.locationId}: only ${available} there.`);
    this.name = 'InsufficientStockError';
  }
}

/**
 * Applies movements in the caller's transaction: each one decrements its source balance (refused
 * when that would go below zero — the SQL CHECK is the last line of defence, this gives a clear
 * error first), increments its target balance, and appends an append-only ledger row; then one
 * `InventoryMoved` event for the batch per location. Balances and ledger always agree because
 * they only ever change together here. Every balance the batch touches is locked first, in one
 * global order, so concurrent batches queue instead of deadlocking.
 */
export async function applyMovements(tx: WriteTx, movements: readonly Movement[], cause: Cause): Promise<string[]> {
  const ids: string[] = [];
  await lockBalances(
    tx,
    movements.flatMap((m) =>
      [m.from, m.to].filter((state): state is StockState => state !== null).map((state) => ({ sku: m.sku, locationId: m.locationId, state })),
    ),
  );
  const byLocation = new Map<
    string,
    { movementId: string; sku: string; fromState: StockState | null; toState: StockState | null; quantity: number; occurredAt: string }[]
  >();
  for (const movement of movements) {
    if (!Number.isInteger(movement.quantity) || movement.quantity <= 0)
      throw new RangeError(`movement quantity must be a positive integer, got ${movement.quantity}`);
    if (movement.from === movement.to) throw new RangeError('a movement needs two different states');
    if (movement.from) {
      const taken = await tx.query(
        `UPDATE inventory.stock_balances SET quantity = quantity - $4, updated_at = now()
          WHERE sku = $1 AND location_id = $2 AND state = $3 AND quantity >= $4`,
        [movement.sku, movement.locationId, movement.from, movement.quantity],
      );
      if (taken.rowCount === 0) throw new InsufficientStockError(movement, await balance(tx, movement.sku, movement.locationId, movement.from));
    }
    if (movement.to) {
      await tx.query(
        `INSERT INTO inventory.stock_balances (sku, location_id, state, quantity) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sku, location_id, state) DO UPDATE SET quantity = inventory.stock_balances.quantity + EXCLUDED.quantity, updated_at = now()`,
        [movement.sku, movement.locationId, movement.to, movement.quantity],
      );
    }
    const id = newId('mov');
    const occurredAt = new Date().toISOString();
    await tx.query(
      `INSERT INTO inventory.movements (id, sku, location_id, from_state, to_state, quantity, reason, cause_id, correlation_id, actor, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        movement.sku,
        movement.locationId,
        movement.from,
        movement.to,
        movement.quantity,
        cause.reason,
        cause.causeId,
        currentScope()?.correlationId ?? null,
        cause.actor,
        occurredAt,
      ],
    );
    ids.push(id);
    const list = byLocation.get(movement.locationId) ?? [];
    list.push({ movementId: id, sku: movement.sku, fromState: movement.from, toState: movement.to, quantity: movement.quantity, occurredAt });
    byLocation.set(movement.locationId, list);
  }
  for (const [locationId, list] of byLocation) {
    await tx.emit(
      InventoryMoved,
      locationId,
      { locationId, causeId: cause.causeId, reason: cause.reason, returnId: cause.returnId ?? null, movements: list },
      {
        causationId: cause.causeId.startsWith('evt_') ? cause.causeId : undefined,
      },
    );
  }
  return ids;
}

/** One balance row's key. */
export interface BalanceKey {
  sku: string;
  locationId: string;
  state: StockState;
}

/**
 * Locks balance rows for the rest of the caller's transaction (creating zero rows so the lock has
 * something to hold) and returns their quantities by `sku|locationId|state`. Rows are locked one
 * by one in a single global order (sku, location, state): two writers touching the same rows in
 * opposite directions (SELLABLE→DAMAGED and DAMAGED→SELLABLE) then queue on the first row instead
 * of each holding one row and waiting for the other. Locking a row the transaction already holds
 * is a no-op, so callers may lock before `applyMovements` (to read a balance for compare-and-swap).
 */
export async function lockBalances(tx: Queryable, keys: readonly BalanceKey[]): Promise<Map<string, number>> {
  const byKey = new Map(keys.map((key) => [balanceKey(key), key]));
  const locked = new Map<string, number>();
  for (const id of [...byKey.keys()].sort()) {
    const { sku, locationId, state } = byKey.get(id) as BalanceKey;
    await tx.query(`INSERT INTO inventory.stock_balances (sku, location_id, state, quantity) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [
      sku,
      locationId,
      state,
    ]);
    const { rows } = await tx.query<{ quantity: number }>(
      `SELECT quantity FROM inventory.stock_balances WHERE sku = $1 AND location_id = $2 AND state = $3 FOR UPDATE`,
      [sku, locationId, state],
    );
    locked.set(id, rows[0]?.quantity ?? 0);
  }
  return locked;
}

/** The map key of a balance in `lockBalances`' result. */
export const balanceKey = (key: BalanceKey): string => `${key.sku}|${key.locationId}|${key.state}`;

/** The current balance of one SKU, location and state (0 when none). */
export async function balance(db: Queryable, sku: string, locationId: string, state: StockState): Promise<number> {
  const { rows } = await db.query<{ quantity: number }>(`SELECT quantity FROM inventory.stock_balances WHERE sku = $1 AND location_id = $2 AND state = $3`, [
    sku,
    locationId,
    state,
  ]);
  return rows[0]?.quantity ?? 0;
}
