import type { GraphClient } from '../ingest/graph-client';
import { fromGraphErrors } from '../ingest/row-error';
import { send, type Outcome } from '../ingest/mutations';
import type { StockRow } from './rows';

/**
 * Opening stock sets a balance TO the file's quantity; it never adds the quantity. Each row reads
 * the balance, and when it differs sends `adjustInventory` with the difference, reason
 * OPENING_BALANCE, and `expectedQuantity` set to the balance read (compare-and-swap: if anything
 * moved the balance meanwhile the row fails with QUANTITY_CHANGED instead of landing wrong). So:
 *
 * - re-running the same file changes nothing: a balance already at its quantity is `unchanged`,
 *   and a retried call replays under its key (`import:stock:<file hash>:<row>`);
 * - a new file with the same row adds nothing either: the balance is already that quantity;
 * - a row of this same file applied before, whose balance has moved since (a sale), is left
 *   alone: its key answers IDEMPOTENCY_KEY_PARAMETER_MISMATCH, counted as `unchanged` — re-running
 *   an old file never rolls stock back. A NEW file does set it again: that is what it says.
 */

const BALANCE = `query ImportBalance($sku: String!, $locationId: ID!) {
  availability(skus: [$sku], locationIds: [$locationId]) { quantities { state quantity } } }`;

interface BalanceAnswer {
  availability: { quantities: { state: string; quantity: number }[] }[];
}

/** What the row's balance is now (0 for a SKU never stocked there, or a location the graph does not know: the adjustment then says so). */
async function currentBalance(graph: GraphClient, row: StockRow): Promise<{ quantity: number } | { failed: Outcome }> {
  const answer = await graph.request<BalanceAnswer>(BALANCE, { sku: row.sku, locationId: row.locationId });
  if (answer.errors?.length) return { failed: { status: 'failed', errors: fromGraphErrors(0, answer.errors) } };
  const quantities = answer.data?.availability[0]?.quantities ?? [];
  return { quantity: quantities.find((entry) => entry.state === row.state)?.quantity ?? 0 };
}

/** Brings one balance to the row's quantity; `rowNumber` labels errors. */
export async function setStock(graph: GraphClient, row: StockRow, key: string, rowNumber: number): Promise<Outcome> {
  const balance = await currentBalance(graph, row);
  if ('failed' in balance) {
    const failed = balance.failed;
    return failed.status === 'failed' ? { status: 'failed', errors: failed.errors.map((error) => ({ ...error, row: rowNumber })) } : failed;
  }
  if (balance.quantity === row.quantity) return { status: 'unchanged' };
  const input = {
    sku: row.sku,
    locationId: row.locationId,
    state: row.state,
    delta: row.quantity - balance.quantity,
    reason: 'OPENING_BALANCE',
    expectedQuantity: balance.quantity,
    note: `import row ${rowNumber}: set to ${row.quantity}`,
  };
  const outcome = await send(graph, 'adjustInventory', input, key, rowNumber);
  if (outcome.status === 'failed') {
    if (outcome.errors.every((error) => error.code === 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH')) return { status: 'unchanged' };
    return outcome;
  }
  return { status: 'updated' };
}
