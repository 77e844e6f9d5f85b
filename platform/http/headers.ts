import type { IncomingMessage } from 'node:http';

/**
 * A request header as one string, or undefined when absent. Node types every header as
 * `string | string[]` because a few (`set-cookie`) may repeat; for a header we expect once, the
 * first value is the one we act on, so a duplicate cannot smuggle a second value past a check.
 */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
