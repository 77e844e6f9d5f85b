/** The header that carries the correlation id from client to gateway to every subgraph and back. */
export const CORRELATION_HEADER = 'x-correlation-id';

/** Accepted client-supplied ids: printable, no spaces, bounded, so they are safe in logs and headers. */
const CORRELATION_PATTERN = /^[A-Za-z0-9._:\-]{1,128}$/;

/** The client's id when it is acceptable; otherwise undefined and the caller generates one. */
export function acceptCorrelationId(value: string | undefined): string | undefined {
  return value && CORRELATION_PATTERN.test(value) ? value : undefined;
}
