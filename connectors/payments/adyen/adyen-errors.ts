/**
 * Adyen's answers in the port's terms: which failures are definitive (`PaymentDeclinedError`, the
 * refund will not happen with this request) and which leave the outcome unknown
 * (`PaymentUnavailableError`, retry with the same Idempotency-Key). The table is in the README.
 */
import { HttpClientException } from '@adyen/api-library';
import ApiException from '@adyen/api-library/lib/src/services/exception/apiException';
import { PaymentDeclinedError, PaymentUnavailableError } from '../port';
import { AdyenNoAnswerError } from './adyen-http';

/**
 * 403 error codes that mean OUR credentials are wrong (`010` Not allowed: the key's user lacks the
 * role or the merchant account; `901` Invalid Merchant Account; `903` internal auth error): nothing
 * happened at Adyen, and the refund must not be failed for our configuration.
 */
const CREDENTIAL_403_CODES: ReadonlySet<string> = new Set(['010', '901', '903']);

/**
 * 422 error codes that are not about the request itself: `704` "request already processed or in
 * progress" — the first request with this Idempotency-Key is still running; its outcome is unknown.
 */
const TRANSIENT_422_CODES: ReadonlySet<string> = new Set(['704']);

/**
 * The port's error for whatever a refund call threw.
 *
 * - 422 (validation: `167` original pspReference required/unknown, `137` invalid amount, over-refund,
 *   Idempotency-Key reused with another body), 404 and 403 with a payment-level code (unknown or
 *   foreign payment): `PaymentDeclinedError` with Adyen's `errorCode`.
 * - No answer (connection refused or dropped, timeout), 401, 403 with a credential code, 422 `704`,
 *   429 and 5xx: `PaymentUnavailableError`, retried later with the same key.
 *
 * Errors that are not the library's or the transport's (programming errors) are returned unchanged.
 */
export function paymentErrorFromAdyen(error: unknown): Error {
  if (error instanceof PaymentDeclinedError || error instanceof PaymentUnavailableError) return error;
  if (error instanceof AdyenNoAnswerError) return new PaymentUnavailableError(error.message);
  if (error instanceof HttpClientException) return fromAnswer(error);
  // The library's own client reports transport failures (and a missing key) as ApiException.
  if (error instanceof ApiException) return new PaymentUnavailableError(`Adyen did not answer: ${error.message}`);
  return error instanceof Error ? error : new Error(String(error));
}

/** True when Adyen's answer refuses the request itself, so repeating it cannot help. */
function isDefinitive(status: number, code: string): boolean {
  if (status === 422) return !TRANSIENT_422_CODES.has(code);
  if (status === 403) return !CREDENTIAL_403_CODES.has(code);
  return status === 404;
}

/** The port's error for an answer with a non-2xx status. */
function fromAnswer(error: HttpClientException): Error {
  const status = error.statusCode;
  const code = error.errorCode ?? error.apiError?.errorCode ?? `http_${status}`;
  const message = error.apiError?.message ?? error.message;
  if (isDefinitive(status, code)) return new PaymentDeclinedError(`Adyen refused the refund: ${message} (${status}, errorCode ${code})`, code);
  return new PaymentUnavailableError(`Adyen did not settle the request (HTTP ${status}, errorCode ${code}): ${message}`);
}
