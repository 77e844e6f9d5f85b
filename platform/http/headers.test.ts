import type { IncomingMessage } from 'node:http';
import { headerValue } from './headers';

const request = (headers: IncomingMessage['headers']) => ({ headers }) as IncomingMessage;

describe('headerValue', () => {
  it('returns the header as sent', () => {
    expect(headerValue(request({ 'x-correlation-id': 'abc' }), 'x-correlation-id')).toBe('abc');
  });

  it('finds a header whatever the case of the name asked for (Node lower-cases what it receives)', () => {
    expect(headerValue(request({ authorization: 'Bearer t' }), 'Authorization')).toBe('Bearer t');
  });

  it('takes the first value of a repeated header', () => {
    expect(headerValue(request({ 'x-internal-principal': ['first', 'second'] }), 'x-internal-principal')).toBe('first');
  });

  it('returns undefined for an absent header', () => {
    expect(headerValue(request({}), 'authorization')).toBeUndefined();
  });
});
