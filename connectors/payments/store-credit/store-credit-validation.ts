import { PaymentDeclinedError, type RefundRequest } from '../port';

const isText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length >= 1 && value.length <= max;

/** Declines (`invalid_request`) a request the ledger cannot book: keys and references too long, amounts not positive safe integers, no ISO currency. */
export function validateLedgerRequest(request: RefundRequest): void {
  const problems: string[] = [];
  if (!isText(request.refundId, 200)) problems.push('refundId must be 1 to 200 characters');
  if (!isText(request.paymentReference, 300)) problems.push('paymentReference must be 1 to 300 characters');
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0)
    problems.push(`amountMinor must be a positive integer, got ${String(request.amountMinor)}`);
  if (typeof request.currency !== 'string' || !/^[A-Z]{3}$/.test(request.currency)) problems.push(`currency must be ISO 4217, got ${String(request.currency)}`);
  if (request.reason !== undefined && request.reason !== null && (typeof request.reason !== 'string' || request.reason.length > 500))
    problems.push('reason must be at most 500 characters');
  if (problems.length > 0) throw new PaymentDeclinedError(`invalid store credit request: ${problems.join('; ')}`, 'invalid_request');
}
