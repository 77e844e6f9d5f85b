/**
 * NetSuite's error answers, read once and turned into the port's two kinds of failure: retry later
 * (`ErpUnavailableError`) or refused for good (`ErpRefusedError`). The table is in the README.
 */
import { ErpRefusedError, ErpUnavailableError } from '../port';

/** NetSuite's error body (RFC 9457 problem details with its own `o:` fields). */
export interface NetSuiteErrorBody {
  type?: string;
  title?: string;
  status?: number;
  'o:errorDetails'?: { detail?: string; 'o:errorCode'?: string }[];
}

/**
 * Error codes that mean "not now" whatever the HTTP status: the account's concurrency or request
 * governance (NetSuite may send them with 400 as well as 429).
 */
export const RETRYABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'CONCURRENCY_LIMIT_EXCEEDED',
  'REQUEST_LIMIT_EXCEEDED',
  'SSS_REQUEST_LIMIT_EXCEEDED',
  'WS_CONCUR_SESSION_DISALLOWED',
]);

/** Codes of NetSuite's answer to a second record with an external id already taken. */
const DUPLICATE_CODES: ReadonlySet<string> = new Set(['DUP_RCRD', 'DUP_ENTITY', 'DUP_TRANSACTION']);

/** The first error code and a one-line message of an error answer (any body, even not JSON). */
export function netSuiteErrorOf(text: string): { code: string | null; message: string } {
  try {
    const body = JSON.parse(text) as NetSuiteErrorBody;
    const detail = body['o:errorDetails']?.[0];
    return { code: detail?.['o:errorCode'] ?? null, message: detail?.detail ?? body.title ?? text.slice(0, 200) };
  } catch {
    return { code: null, message: text.slice(0, 200) };
  }
}

/** True when an error answer says the external id is already taken by another record of the type. */
export function isDuplicateExternalId(status: number, text: string): boolean {
  if (status !== 400) return false;
  const { code, message } = netSuiteErrorOf(text);
  return (code !== null && DUPLICATE_CODES.has(code)) || /external id.*already exists|record already exists/i.test(message);
}

/** `Retry-After` in ms (seconds or an HTTP date), when given. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The port error for a failed answer (never called for 2xx; 401 is handled by the client's one refresh first). */
export function errorForAnswer(what: string, status: number, text: string, retryAfter: string | null): ErpUnavailableError | ErpRefusedError {
  const { code, message } = netSuiteErrorOf(text);
  const said = `NetSuite ${what}: HTTP ${status}${code ? ` ${code}` : ''}: ${message}`;
  if (status === 429 || status >= 500 || status === 401 || (code !== null && RETRYABLE_ERROR_CODES.has(code)))
    return new ErpUnavailableError(said, retryAfterMs(retryAfter));
  return new ErpRefusedError(said, code ?? `HTTP_${status}`);
}

/** A 200's JSON; anything else (a proxy's HTML page) is a fault on the way, to retry. */
export function parseAnswer<T>(what: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ErpUnavailableError(`NetSuite ${what} answered 200 with a body that is not JSON: ${text.slice(0, 100)}`);
  }
}
