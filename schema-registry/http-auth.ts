import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerToken } from '../platform/http/bearer';
import { headerValue } from '../platform/http/headers';

/**
 * Shortest publish token accepted at start-up: anything shorter is guessable, and a guessed
 * token lets anyone replace the graph's schema.
 */
export const MIN_PUBLISH_TOKEN_LENGTH = 16;

/** What `bearerCheck` found: no credentials, wrong credentials, or the right token. */
export type BearerVerdict = 'missing' | 'invalid' | 'valid';

/**
 * Compares the request's bearer token with `token` in constant time. Both sides are hashed
 * first so the comparison takes the same time whatever the lengths, and leaks neither.
 */
export function bearerCheck(req: IncomingMessage, token: string): BearerVerdict {
  const presented = bearerToken(headerValue(req, 'authorization'));
  if (!presented) return 'missing';
  return timingSafeEqual(digest(presented), digest(token)) ? 'valid' : 'invalid';
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The strong ETag of a supergraph version, e.g. `"7"`; the gateway sends it back in If-None-Match. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * True when the request's If-None-Match covers `etag`: `*`, the tag itself, its weak form, or a
 * list containing either (RFC 9110 compares entity tags weakly for If-None-Match).
 */
export function ifNoneMatchCovers(req: IncomingMessage, etag: string): boolean {
  const header = req.headers['if-none-match'];
  if (!header) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}
