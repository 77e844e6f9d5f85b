import { ErpRefusedError, ErpUnavailableError } from '../port';
import { errorForAnswer, isDuplicateExternalId, retryAfterMs } from './netsuite-errors';

const body = (status: number, code: string, detail = 'detail') =>
  JSON.stringify({ type: 'x', title: 't', status, 'o:errorDetails': [{ detail, 'o:errorCode': code }] });

describe('NetSuite error answers', () => {
  it.each([
    [429, body(429, 'CONCURRENCY_LIMIT_EXCEEDED'), ErpUnavailableError],
    [429, body(429, 'REQUEST_LIMIT_EXCEEDED'), ErpUnavailableError],
    [400, body(400, 'SSS_REQUEST_LIMIT_EXCEEDED'), ErpUnavailableError],
    [503, '<html>Service Unavailable</html>', ErpUnavailableError],
    [500, body(500, 'UNEXPECTED_ERROR'), ErpUnavailableError],
    [401, body(401, 'INVALID_LOGIN'), ErpUnavailableError],
    [400, body(400, 'INVALID_KEY_OR_REF'), ErpRefusedError],
    [400, body(400, 'USER_ERROR'), ErpRefusedError],
    [403, body(403, 'INSUFFICIENT_PERMISSION'), ErpRefusedError],
    [404, body(404, 'NONEXISTENT_ID'), ErpRefusedError],
  ])('maps HTTP %i %s to the right port error', (status, text, kind) => {
    expect(errorForAnswer('POST creditMemo', status, text, null)).toBeInstanceOf(kind);
  });

  it('keeps NetSuite’s code on a refusal and its detail in the message', () => {
    const error = errorForAnswer('POST creditMemo', 400, body(400, 'INVALID_KEY_OR_REF', 'Invalid entity reference key 999.'), null) as ErpRefusedError;
    expect(error.code).toBe('INVALID_KEY_OR_REF');
    expect(error.message).toBe('NetSuite POST creditMemo: HTTP 400 INVALID_KEY_OR_REF: Invalid entity reference key 999.');
    expect((errorForAnswer('GET', 400, 'not json', null) as ErpRefusedError).code).toBe('HTTP_400');
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:05 GMT', Date.parse('2026-12-01T10:00:00Z'))).toBe(5_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect((errorForAnswer('GET', 429, '', '2') as ErpUnavailableError).retryAfterMs).toBe(2_000);
  });

  it('recognises the duplicate external id refusal and nothing else', () => {
    expect(isDuplicateExternalId(400, body(400, 'DUP_RCRD'))).toBe(true);
    expect(isDuplicateExternalId(400, body(400, 'USER_ERROR', 'A record with the same external ID already exists.'))).toBe(true);
    expect(isDuplicateExternalId(400, body(400, 'USER_ERROR', 'Please enter a value for amount.'))).toBe(false);
    expect(isDuplicateExternalId(429, body(429, 'DUP_RCRD'))).toBe(false);
  });
});
