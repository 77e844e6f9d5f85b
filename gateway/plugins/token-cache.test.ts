import { TOKEN_CACHE_SIZE, TOKEN_CACHE_TTL_MS, TokenCache } from './token-cache';

const principal = { subject: 'user:a', roles: ['customer' as const], customerId: 'c', storeIds: [] };

describe('TokenCache', () => {
  it('reuses a verified token until the cache TTL, never past the token expiry', () => {
    const cache = new TokenCache();
    const now = 1_000_000;
    cache.set('long', principal, 'internal', new Date(now + 3_600_000), now);
    cache.set('short', principal, 'internal', new Date(now + 5_000), now);
    expect(cache.get('long', now + TOKEN_CACHE_TTL_MS - 1)?.internalPrincipalToken).toBe('internal');
    expect(cache.get('long', now + TOKEN_CACHE_TTL_MS)).toBeUndefined();
    expect(cache.get('short', now + 4_999)).toBeDefined();
    expect(cache.get('short', now + 5_000)).toBeUndefined();
  });

  it('holds at most TOKEN_CACHE_SIZE tokens, dropping the oldest first', () => {
    const cache = new TokenCache();
    const now = 1_000_000;
    for (let i = 0; i <= TOKEN_CACHE_SIZE; i++) cache.set(`t${i}`, principal, 'internal', new Date(now + 3_600_000), now);
    expect(cache.get('t0', now)).toBeUndefined();
    expect(cache.get(`t${TOKEN_CACHE_SIZE}`, now)).toBeDefined();
  });
});
