import type { GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { runInScope } from '../context';
import { maskErrors, type KnownFailure } from './masking';

/**
 * The one masking the gateway and every subgraph use; the e2e tests (gateway/error-masking.test.ts,
 * test/error-masking.e2e.test.ts) show it through real servers, these pin its rules one by one.
 */

const log = pino({ level: 'silent' });
const at = { path: ['order'], locations: [{ line: 1, column: 3 }] };
const fault: GraphQLFormattedError = {
  message: 'relation "orders.orders" does not exist',
  ...at,
  extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at query (db.ts:1)'] },
};
const forbidden: GraphQLFormattedError = {
  message: 'You are not allowed to do this.',
  ...at,
  extensions: { code: 'FORBIDDEN', serviceName: 'orders', stacktrace: ['…'] },
};
const timeout = Object.assign(new Error('connect timeout'), { code: 'TIMEOUT' });
const timeouts: KnownFailure = {
  description: 'a backend timed out',
  level: 'error',
  matches: (_formatted, error) => error === timeout,
  answer: { code: 'SERVICE_UNAVAILABLE', message: 'Try again shortly.' },
};
/** Recognised only so that its client-looking code is not believed. */
const libraryForbidden: KnownFailure = {
  description: 'library error',
  level: 'error',
  matches: (formatted) => formatted.extensions?.serviceName === 'library',
};

describe('maskErrors, masked (the default)', () => {
  const mask = maskErrors({ log, knownFailures: [timeouts, libraryForbidden] });

  it('answers a fault with "something went wrong" and the correlation id only', () => {
    const masked = runInScope({ correlationId: 'corr-1' }, () => mask(fault, new Error('boom')));
    expect(masked).toEqual({ message: expect.stringContaining('corr-1'), ...at, extensions: { code: 'INTERNAL_SERVER_ERROR', correlationId: 'corr-1' } });
  });

  it('passes a client error through with its message and the allowed extensions only', () => {
    expect(mask(forbidden, new Error('x'))).toEqual({ message: 'You are not allowed to do this.', ...at, extensions: { code: 'FORBIDDEN' } });
  });

  it("answers a known failure with its code and message at the original's place", () => {
    expect(mask(fault, timeout)).toEqual({ message: 'Try again shortly.', ...at, extensions: { code: 'SERVICE_UNAVAILABLE' } });
  });

  it('treats a known failure without an answer as a fault, whatever client code it carries', () => {
    const fromLibrary = { ...forbidden, extensions: { code: 'FORBIDDEN', serviceName: 'library' } };
    expect(mask(fromLibrary, new Error('x')).extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('maskErrors with errorDetails (the development switch)', () => {
  const mask = maskErrors({ log, errorDetails: true, knownFailures: [timeouts] });

  it('shows a fault as formatted: its message and stack trace', () => {
    expect(mask(fault, new Error('boom'))).toBe(fault);
  });

  it('keeps the code and message of a known failure, adding the original extensions', () => {
    expect(mask(fault, timeout)).toEqual({
      message: 'Try again shortly.',
      ...at,
      extensions: { code: 'SERVICE_UNAVAILABLE', stacktrace: ['at query (db.ts:1)'] },
    });
  });

  it('shows a client error as formatted', () => {
    expect(mask(forbidden, new Error('x'))).toBe(forbidden);
  });
});
