import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ErrorCode, requestError } from '../platform/graphql/errors';
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

/** A subgraph's HTTP answer as Apollo Gateway's data source receives it. */
type FetcherResponse = Parameters<RemoteGraphQLDataSource['parseBody']>[0];

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
 * Reads a subgraph answer chunk by chunk, charging the operation's budget, and stops reading (the
 * socket is released) as soon as the budget is crossed: the gateway never holds more than the cap
 * of one operation's answers in memory. Parses JSON like Apollo's default `parseBody`.
 */
export async function readWithinBudget(response: FetcherResponse, budget: ResponseBudget): Promise<object | string> {
  // The fetcher is undici's: its body is a web ReadableStream, async-iterable in Node.
  const { body } = response as unknown as { body: (AsyncIterable<Uint8Array> & { cancel?: () => Promise<void> }) | null };
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (budget.exceeded || budget.used + declared > budget.max) {
    budget.exceeded = true;
    await body?.cancel?.().catch(() => undefined);
    throw tooLarge(budget);
  }
  const chunks: Uint8Array[] = [];
  if (body) {
    // Throwing inside the loop ends the iteration, which cancels the stream.
    for await (const chunk of body) {
      budget.used += chunk.byteLength;
      if (budget.used > budget.max) {
        budget.exceeded = true;
        throw tooLarge(budget);
      }
      chunks.push(chunk);
    }
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const contentType = response.headers.get('content-type') ?? '';
  return contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json') ? (JSON.parse(text) as object) : text;
}

function tooLarge(budget: ResponseBudget) {
  return requestError(ErrorCode.RESPONSE_TOO_LARGE, GatewayMessages.responseTooLarge(budget.max));
}
