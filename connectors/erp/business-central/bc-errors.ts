/**
 * BC's answers as the port's errors. BC errors are `{ "error": { "code", "message" } }`; which
 * ones mean "retry later" and which "a person must look" is one table, here and in the README.
 */
import { ErpRefusedError, ErpUnavailableError } from '../port';

/** Wait assumed for a 429 without a usable `Retry-After`: BC's limits are per 5-minute sliding window. */
export const DEFAULT_THROTTLE_RETRY_AFTER_MS = 10_000;

/** A 429: BC executed nothing. Still an `ErpUnavailableError` for callers; the client rides out short ones itself. */
export class BcThrottledError extends ErpUnavailableError {
  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs);
    this.name = 'ErpUnavailableError';
  }
}

/** A 412 (or a 409 "changed by another user"): the record moved under us; re-read and retry. */
export class BcConcurrencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BcConcurrencyError';
  }
}

/** BC's error body fields, when the body is one. */
export function bcErrorBody(body: unknown): { code: string; message: string } {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return {
    code: typeof error?.code === 'string' ? error.code : 'Unknown',
    message: typeof error?.message === 'string' ? error.message : 'no message',
  };
}

/** `Retry-After` (delta seconds or an HTTP date) in ms, or the default. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null) return DEFAULT_THROTTLE_RETRY_AFTER_MS;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? DEFAULT_THROTTLE_RETRY_AFTER_MS : Math.max(0, at - now);
}

/** A 409 that is a write conflict (retry) rather than a business refusal. */
function isConcurrencyConflict(code: string, message: string): boolean {
  return code === 'Request_EntityChanged' || /changed by another user|another user has modified/i.test(message);
}

/**
 * The error for a non-2xx answer of `what` (e.g. `POST salesCreditMemos`):
 * 429 / 5xx → `ErpUnavailableError`; 412 and concurrency 409 → `BcConcurrencyError`;
 * 401 / 403 → `ErpUnavailableError` (credentials or permissions: an operator fixes them, then the
 * postings go through; never dropped); other 4xx → `ErpRefusedError` with BC's code.
 */
export function bcError(what: string, status: number, body: unknown, retryAfter: string | null): Error {
  const { code, message } = bcErrorBody(body);
  const text = `Business Central ${what} answered ${status} ${code}: ${message}`;
  if (status === 429) return new BcThrottledError(text, retryAfterMs(retryAfter));
  if (status >= 500) return new ErpUnavailableError(text, retryAfter === null ? undefined : retryAfterMs(retryAfter));
  if (status === 412 || (status === 409 && isConcurrencyConflict(code, message))) return new BcConcurrencyError(text);
  if (status === 401 || status === 403) return new ErpUnavailableError(`${text} (check the app registration and its BC permission sets)`);
  return new ErpRefusedError(text, code);
}
