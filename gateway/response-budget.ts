import { ErrorCode, requestError } from '../platform/graphql/errors';
import { discardBody, type SubgraphAnswer } from './fetcher';
import { GatewayMessages } from './messages';

/**
 * Largest answer the gateway assembles for one operation, in bytes of subgraph answers. The
 * costliest operation `MAX_COST` admits is about 100 KB at the measured size of a value (see
 * `ESTIMATED_BYTES_PER_VALUE`); 2 MiB leaves room for long strings (notes, reasons) and still keeps
 * five concurrent worst cases far below the +150 MB that five 8.7 MB answers cost the gateway.
 */
export const MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * Bytes one unit of cost takes in a JSON answer, key and punctuation included. Measured on the
 * demo graph: 18.5 for 50 SKUs' availability at two named locations (sizes known exactly), 0.3 to
 * 7 where the cost assumed list sizes (an order's lines, every location) the data did not reach.
 * 48 errs on the large side. With the defaults the estimate (`MAX_COST` × 48 = 240 KB) stays under
 * the cap: it refuses first only where a deployment raises the cost limit or lowers the byte cap.
 */
export const ESTIMATED_BYTES_PER_VALUE = 48;

/** Subgraph bytes received so far for one operation, and whether the cap was crossed. */
export interface ResponseBudget {
  readonly max: number;
  used: number;
  exceeded: boolean;
}

/** Budgets by the operation's context object (Apollo hands the same object to every subgraph fetch). */
const budgets = new WeakMap<object, ResponseBudget>();

/** Opens the budget of the operation whose context is `context`. */
export function openResponseBudget(context: object, max: number): ResponseBudget {
  const budget: ResponseBudget = { max, used: 0, exceeded: false };
  budgets.set(context, budget);
  return budget;
}

/** The budget of the operation whose context is `context`, if one was opened. */
export function responseBudgetOf(context: unknown): ResponseBudget | undefined {
  return typeof context === 'object' && context !== null ? budgets.get(context) : undefined;
}

/**
 * Reads a subgraph answer chunk by chunk, charging `budget`, and stops reading (the socket is
 * released) as soon as the budget is crossed: the gateway never holds more than the cap of one
 * operation's answers in memory. Returns the body's bytes; the caller parses them.
 */
export async function readWithinBudget(answer: Pick<SubgraphAnswer, 'headers' | 'body'>, budget: ResponseBudget): Promise<Buffer> {
  const declared = Number(answer.headers['content-length'] ?? NaN);
  if (budget.exceeded || budget.used + declared > budget.max) {
    budget.exceeded = true;
    discardBody(answer.body);
    throw tooLarge(budget);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of answer.body) {
    budget.used += chunk.byteLength;
    if (budget.used > budget.max) {
      budget.exceeded = true;
      // Destroyed before the loop's exit would, with a listener for the abort it reports.
      discardBody(answer.body);
      throw tooLarge(budget);
    }
    chunks.push(chunk);
  }
  const only = chunks.length === 1 ? chunks[0] : undefined;
  return Buffer.isBuffer(only) ? only : Buffer.concat(chunks);
}

/** Charges bytes read for another operation (a merged fetch, gateway/fetch-merge.ts) to this one's budget. */
export function chargeBudget(budget: ResponseBudget, bytes: number): void {
  if (budget.exceeded || budget.used + bytes > budget.max) {
    budget.exceeded = true;
    throw tooLarge(budget);
  }
  budget.used += bytes;
}

function tooLarge(budget: ResponseBudget) {
  return requestError(ErrorCode.RESPONSE_TOO_LARGE, GatewayMessages.responseTooLarge(budget.max));
}
