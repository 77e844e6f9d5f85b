import type { Principal } from '../../platform/auth';

/**
 * How long a verified client token and the internal principal signed for it are reused. The
 * internal token lives 60 s (`INTERNAL_TOKEN_TTL_S`); reusing it for at most half that leaves every
 * subgraph call at least 30 s of validity. Verifying an ES256 signature and signing HS256 on every
 * request is the gateway's largest fixed cost per operation.
 */
export const TOKEN_CACHE_TTL_MS = 30_000;
/** Most cached tokens: a busy gateway's active sessions; the oldest are dropped first. */
export const TOKEN_CACHE_SIZE = 10_000;

interface Entry {
  principal: Principal;
  internalPrincipalToken: string;
  /** When this entry stops being used: the cache TTL or the client token's own expiry, whichever is first. */
  until: number;
}

/** A bounded cache of verified client tokens (insertion-ordered map: oldest evicted first). */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();

  get(token: string, now = Date.now()): Entry | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, principal: Principal, internalPrincipalToken: string, expiresAt: Date, now = Date.now()): void {
    if (this.entries.size >= TOKEN_CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(token, { principal, internalPrincipalToken, until: Math.min(now + TOKEN_CACHE_TTL_MS, expiresAt.getTime()) });
  }
}
