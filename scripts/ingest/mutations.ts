import type { GraphClient } from './graph-client';
import { fromGraphErrors, fromUserErrors, type RowError, type UserError } from './row-error';

/**
 * The mutations the import and backfill commands send, and how an answer is counted: `created`
 * (the graph created it), `updated` (it existed; sent again, changed or not — an upsert of equal
 * values changes nothing and announces nothing), `unchanged` (known without a write, e.g. stock
 * already at the quantity), or `failed` with the reasons.
 */
export type Outcome = { status: 'created' | 'updated' | 'unchanged' } | { status: 'failed'; errors: RowError[] };

/** The mutations, by the field they call. */
export const MUTATIONS = {
  upsertLocation: `mutation Import($input: UpsertLocationInput!, $key: String!) {
    result: upsertLocation(input: $input, idempotencyKey: $key) { created userErrors { code field message } } }`,
  upsertProduct: `mutation Import($input: UpsertProductInput!, $key: String!) {
    result: upsertProduct(input: $input, idempotencyKey: $key) { created userErrors { code field message } } }`,
  recordOrder: `mutation Import($input: RecordOrderInput!, $key: String!) {
    result: recordOrder(input: $input, idempotencyKey: $key) { created userErrors { code field message } } }`,
  adjustInventory: `mutation Import($input: AdjustInventoryInput!, $key: String!) {
    result: adjustInventory(input: $input, idempotencyKey: $key) { movements { id } userErrors { code field message } } }`,
} as const;

/** A mutation field the commands call. */
export type MutationField = keyof typeof MUTATIONS;

interface MutationResult {
  result: { created?: boolean; userErrors: UserError[] } | null;
}

/** Sends `field` with `input` under `key`; `row` labels any errors. Throws only on transport failure. */
export async function send(graph: GraphClient, field: MutationField, input: unknown, key: string, row: number): Promise<Outcome> {
  const answer = await graph.request<MutationResult>(MUTATIONS[field], { input, key });
  if (answer.errors?.length) return { status: 'failed', errors: fromGraphErrors(row, answer.errors) };
  const result = answer.data?.result;
  if (!result) return { status: 'failed', errors: [{ row, field: null, code: 'NO_RESULT', message: `${field} answered no result` }] };
  if (result.userErrors.length > 0) return { status: 'failed', errors: fromUserErrors(row, result.userErrors) };
  return { status: result.created === false ? 'updated' : 'created' };
}

/** Outcomes counted for the summary. */
export class Tally {
  read = 0;
  created = 0;
  updated = 0;
  unchanged = 0;
  failed = 0;
  /** Read and deliberately not sent (backfill `--since`). */
  skipped = 0;
  private readonly startedAt = Date.now();

  add(outcome: Outcome): void {
    this[outcome.status] += 1;
  }

  /**
   * `read 10, created 3, updated 2, unchanged 3, failed 2 (41.7/s)`. A replayed key answers what
   * its first call answered, so a re-run within the keys' retention (24 hours) counts `created`
   * again for what it created then, while writing nothing.
   */
  summary(): string {
    const seconds = Math.max((Date.now() - this.startedAt) / 1000, 0.001);
    const perSecond = (this.created + this.updated + this.unchanged + this.failed) / seconds;
    const skipped = this.skipped > 0 ? `, skipped ${this.skipped}` : '';
    return `read ${this.read}, created ${this.created}, updated ${this.updated}, unchanged ${this.unchanged}, failed ${this.failed}${skipped} (${perSecond.toFixed(1)}/s)`;
  }
}
