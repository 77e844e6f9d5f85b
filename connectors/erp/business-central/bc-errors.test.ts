import { ErpRefusedError, ErpUnavailableError } from '../port';
import { bcError, BcConcurrencyError, DEFAULT_THROTTLE_RETRY_AFTER_MS, retryAfterMs } from './bc-errors';

const body = (code: string, message = 'm') => ({ error: { code, message } });

describe('BC errors as the port’s', () => {
  it.each<[number, unknown, string | null, new (...args: never[]) => Error, Record<string, unknown>]>([
    [429, body('Application_TooManyRequests'), '7', ErpUnavailableError, { retryAfterMs: 7_000 }],
    [429, body('Application_TooManyRequests'), null, ErpUnavailableError, { retryAfterMs: DEFAULT_THROTTLE_RETRY_AFTER_MS }],
    [503, body('ServiceUnavailable'), null, ErpUnavailableError, { retryAfterMs: undefined }],
    [504, null, '3', ErpUnavailableError, { retryAfterMs: 3_000 }],
    [401, body('Authentication_InvalidCredentials'), null, ErpUnavailableError, {}],
    [412, body('Request_EntityChanged'), null, BcConcurrencyError, {}],
    [409, body('Internal_RecordChanged', 'Another user has modified the record.'), null, BcConcurrencyError, {}],
    [409, body('Internal_EntityWithSameKeyExists', 'The record already exists.'), null, ErpRefusedError, { code: 'Internal_EntityWithSameKeyExists' }],
    [400, body('BadRequest_InvalidToken'), null, ErpRefusedError, { code: 'BadRequest_InvalidToken' }],
    [404, body('BadRequest_NotFound'), null, ErpRefusedError, { code: 'BadRequest_NotFound' }],
    [404, body('Internal_RecordNotFound'), null, ErpRefusedError, { code: 'Internal_RecordNotFound' }],
  ])('%i %j → the right class', (status, answer, retryAfter, kind, fields) => {
    const error = bcError('POST salesCreditMemos', status, answer, retryAfter);
    expect(error).toBeInstanceOf(kind);
    expect(error).toMatchObject(fields);
    expect(error.message).toContain(`POST salesCreditMemos answered ${status}`);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 17:00:30 GMT', Date.parse('2026-12-01T17:00:00Z'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBe(DEFAULT_THROTTLE_RETRY_AFTER_MS);
  });
});
